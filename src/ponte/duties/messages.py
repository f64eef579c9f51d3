"""Texts of quote lines and verdict reasons in zh-CN, en, pt-BR and es.

Templates use ``str.format`` fields filled by the engine (rate, limit ...).
"""

from __future__ import annotations

from typing import Any

from ponte.kernel.languages import LANGUAGES

_T: dict[str, tuple[str, str, str, str]] = {
    # line kinds
    "duty": ("关税", "Import duty", "Imposto de importação", "Derecho de importación"),
    "flat_duty": (
        "每个税号固定关税",
        "Flat duty per tariff subheading",
        "Direito fixo por subposição pautal",
        "Derecho fijo por subpartida arancelaria",
    ),
    "vat": ("增值税", "VAT", "IVA", "IVA"),
    "checkout_vat": (
        "结账时代收的增值税",
        "VAT collected at checkout",
        "IVA cobrado no checkout",
        "IVA cobrado al pagar",
    ),
    "icms": ("ICMS（价内计征）", "ICMS (grossed up)", "ICMS (por dentro)", "ICMS (por dentro)"),
    "igv": ("IGV 增值税", "IGV (general sales tax)", "IGV", "IGV"),
    "ipm": ("市政促进税 IPM", "Municipal promotion tax (IPM)", "IPM", "Impuesto de Promoción Municipal"),
    "consumption_tax": ("消费税", "Consumption tax", "Imposto sobre consumo", "Impuesto al consumo"),
    "global_rate": (
        "综合税率（快件）",
        "Courier global rate",
        "Taxa global (courier)",
        "Tasa global (mensajería)",
    ),
    "postal_tax": (
        "行邮税",
        "Postal articles tax",
        "Imposto sobre remessas postais",
        "Impuesto a envíos postales",
    ),
    "single_tax": (
        "单一税",
        "Single tax on excess over franchise",
        "Imposto único sobre o excedente",
        "Tributo único sobre el excedente",
    ),
    "simplified_tax": (
        "简易制度单一税",
        "Single tax (simplified regime)",
        "Tributo único (regime simplificado)",
        "Tributo único (régimen simplificado)",
    ),
    "fodinfa": (
        "儿童发展基金税 FODINFA",
        "FODINFA (children's development fund)",
        "FODINFA (Fundo de Desenvolvimento da Infância)",
        "FODINFA (Fondo de Desarrollo para la Infancia)",
    ),
    "specific_tax": ("从量消费税", "Specific consumption tax", "Imposto específico", "Impuesto específico"),
    "igic": (
        "加那利群岛间接税 IGIC",
        "IGIC (Canary Islands general indirect tax)",
        "IGIC (imposto geral indireto das Canárias)",
        "IGIC (Impuesto General Indirecto Canario)",
    ),
    "dta": (
        "海关手续费 DTA",
        "Customs processing fee (DTA)",
        "Taxa de despacho (DTA)",
        "Derecho de trámite aduanero (DTA)",
    ),
    "ipi": (
        "工业产品税 IPI",
        "IPI (tax on industrialised products)",
        "IPI",
        "IPI (impuesto sobre productos industrializados)",
    ),
    "pis": ("PIS 进口税", "PIS/PASEP on imports", "PIS/PASEP-importação", "PIS/PASEP sobre importaciones"),
    "cofins": ("COFINS 进口税", "COFINS on imports", "COFINS-importação", "COFINS sobre importaciones"),
    "ordinary-import": (
        "超出{limit_name}限额 {limit} {currency}：按一般进口计算",
        "Over the {limit_name} limit of {limit} {currency}: quoted as an ordinary import",
        "Acima do limite {limit_name} de {limit} {currency}: cotado como importação comum",
        "Supera el límite {limit_name} de {limit} {currency}: cotizado como importación ordinaria",
    ),
    # reasons
    "territory-assumed": (
        "未提供地区：按{territory}计算",
        "No region given: {territory} assumed",
        "Região não indicada: considerado {territory}",
        "Región no indicada: se asume {territory}",
    ),
    "limit-exceeded": (
        "超出{limit_name}限额 {limit} {currency}",
        "Over the {limit_name} limit of {limit} {currency}",
        "Acima do limite {limit_name} de {limit} {currency}",
        "Supera el límite {limit_name} de {limit} {currency}",
    ),
    "missing-data": (
        "缺少数据：{field}（无此数据无法计算：{line}）",
        "Missing data: {field} (without it, no {line} line)",
        "Dados em falta: {field} (sem eles, sem a linha {line})",
        "Faltan datos: {field} (sin ellos, sin la línea {line})",
    ),
    "excluded-goods": (
        "该类商品不适用此通关方式：{category}",
        "Goods of category {category} are excluded from this regime",
        "Mercadorias da categoria {category} estão excluídas deste regime",
        "Las mercancías de la categoría {category} están excluidas de este régimen",
    ),
    "open-point": (
        "法规尚未明确：{rule}",
        "Open legal point, parameter used: {rule}",
        "Ponto legal em aberto, parâmetro usado: {rule}",
        "Punto legal abierto, parámetro usado: {rule}",
    ),
    "not-eligible": (
        "不符合{regime}条件：{why}",
        "Not eligible for {regime}: {why}",
        "Não elegível para {regime}: {why}",
        "No elegible para {regime}: {why}",
    ),
    "exempt": ("免税：{why}", "Exempt: {why}", "Isento: {why}", "Exento: {why}"),
    "not-modelled": (
        "未计算：{what}",
        "Not computed: {what}",
        "Não calculado: {what}",
        "No calculado: {what}",
    ),
    "fx-table": (
        "汇率取自汇率表 {table}（未找到主管机关汇率规则）",
        "Exchange rate taken from {table} (authority's rate rule not found)",
        "Câmbio tirado de {table} (regra cambial da autoridade não encontrada)",
        "Tipo de cambio tomado de {table} (regla cambiaria de la autoridad no encontrada)",
    ),
}


def text(key: str, locale: str = "en", **params: Any) -> str:
    row = _T.get(key)
    if row is None:
        return key
    template = row[LANGUAGES.index(locale) if locale in LANGUAGES else 1]
    if "line" in params and params["line"] in _T:  # a line kind, named in the reader's language
        params = {**params, "line": text(params["line"], locale)}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def all_locales(key: str, **params: Any) -> dict[str, str]:
    return {loc: text(key, loc, **params) for loc in LANGUAGES}


_CACHE: dict[tuple[Any, ...], tuple[str, dict[str, str]]] = {}


def texts(key: str, locale: str, params: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(text in `locale`, texts in every locale), remembered: quotes repeat the same reasons."""
    try:
        cache_key: tuple[Any, ...] = (key, locale, *sorted(params.items()))
        hit = _CACHE.get(cache_key)
    except TypeError:  # an unhashable parameter
        return text(key, locale, **params), all_locales(key, **params)
    if hit is None:
        if len(_CACHE) > 10_000:
            _CACHE.clear()
        hit = _CACHE[cache_key] = (text(key, locale, **params), all_locales(key, **params))
    return hit[0], dict(hit[1])
