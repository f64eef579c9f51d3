"""The accounts' console messages in zh-CN, pt-BR and es (English is the msgid): writes locale/*/accounts.po.

Run from the repository root after changing a message: python tools/accounts_messages.py
"""

from __future__ import annotations

from pathlib import Path

M: dict[str, tuple[str, str, str]] = {
    # msgid: (zh-CN, pt-BR, es)
    "API key %(id)s": ("API 密钥 %(id)s", "Chave de API %(id)s", "Clave de API %(id)s"),
    "API key revoked": ("API 密钥已吊销", "Chave de API revogada", "Clave de API revocada"),
    "API keys": ("API 密钥", "Chaves de API", "Claves de API"),
    "API keys are the tenant's service credentials: programs use them to call the API. Only their prefix is shown; the secret was shown once, when the key was made.": (
        "API 密钥是租户的服务凭据：程序用它们调用 API。这里只显示前缀；密钥本身仅在创建时显示一次。",
        "As chaves de API são as credenciais de serviço do tenant: os programas as usam para chamar a API. Só o prefixo é mostrado; o segredo foi mostrado uma vez, quando a chave foi criada.",
        "Las claves de API son las credenciales de servicio del tenant: los programas las usan para llamar a la API. Solo se muestra su prefijo; el secreto se mostró una vez, al crear la clave.",
    ),
    "API keys of %(tenant)s": (
        "%(tenant)s 的 API 密钥",
        "Chaves de API de %(tenant)s",
        "Claves de API de %(tenant)s",
    ),
    "Account created": ("已创建账户", "Conta criada", "Cuenta creada"),
    "Accountant": ("会计", "Contador", "Contador"),
    "Actions": ("操作", "Ações", "Acciones"),
    "Active": ("有效", "Ativa", "Activa"),
    "An API key is a tenant's service credential; people sign in with their e-mail address.": (
        "API 密钥是租户的服务凭据；人员请用电子邮件地址登录。",
        "Uma chave de API é a credencial de serviço de um tenant; as pessoas entram com o seu e-mail.",
        "Una clave de API es la credencial de servicio de un tenant; las personas entran con su correo electrónico.",
    ),
    "Ask for a new link": ("申请新链接", "Pedir um novo link", "Pedir un nuevo enlace"),
    "At least 12 characters.": ("至少 12 个字符。", "Pelo menos 12 caracteres.", "Al menos 12 caracteres."),
    "Audit log": ("审计日志", "Registro de auditoria", "Registro de auditoría"),
    "Audit log of %(tenant)s": (
        "%(tenant)s 的审计日志",
        "Registro de auditoria de %(tenant)s",
        "Registro de auditoría de %(tenant)s",
    ),
    "Back to sign-in": ("返回登录", "Voltar para o login", "Volver a iniciar sesión"),
    "Change your password": ("修改密码", "Alterar sua senha", "Cambiar su contraseña"),
    "Choose a new password": ("设置新密码", "Escolha uma nova senha", "Elija una nueva contraseña"),
    "Choose a password": ("设置密码", "Escolha uma senha", "Elija una contraseña"),
    "Clerk": ("文员", "Auxiliar", "Auxiliar"),
    "Code from your authenticator app": (
        "身份验证器应用中的验证码",
        "Código do seu app autenticador",
        "Código de su app de autenticación",
    ),
    "Command line": ("命令行", "Linha de comando", "Línea de comandos"),
    "Current password": ("当前密码", "Senha atual", "Contraseña actual"),
    "Customs broker": ("报关行", "Despachante aduaneiro", "Agente de aduanas"),
    "Demo sign-in": ("演示登录", "Login de demonstração", "Acceso de demostración"),
    "Detail": ("详情", "Detalhe", "Detalle"),
    "E-mail address": ("电子邮件地址", "E-mail", "Correo electrónico"),
    "Enter your e-mail address and your password.": (
        "请输入电子邮件地址和密码。",
        "Informe seu e-mail e sua senha.",
        "Introduzca su correo electrónico y su contraseña.",
    ),
    "Everything": ("全部", "Tudo", "Todo"),
    "Expires": ("到期", "Expira", "Caduca"),
    "Failed sign-in": ("登录失败", "Falha de login", "Inicio de sesión fallido"),
    "Forgot your password?": ("忘记密码？", "Esqueceu sua senha?", "¿Olvidó su contraseña?"),
    "Forwarder": ("货运代理", "Agente de carga", "Transitario"),
    "If this address belongs to an account, a link to choose a new password is on its way. It works for an hour.": (
        "如果该地址属于某个账户，设置新密码的链接已发出，一小时内有效。",
        "Se este e-mail pertencer a uma conta, um link para escolher uma nova senha está a caminho. Ele vale por uma hora.",
        "Si esta dirección pertenece a una cuenta, se ha enviado un enlace para elegir una nueva contraseña. Es válido durante una hora.",
    ),
    "Invitation accepted": ("已接受邀请", "Convite aceito", "Invitación aceptada"),
    "Invitation withdrawn": ("已撤回邀请", "Convite retirado", "Invitación retirada"),
    "Invite someone": ("邀请他人", "Convidar alguém", "Invitar a alguien"),
    "Join": ("加入", "Entrar", "Unirse"),
    "Join a tenant": ("加入租户", "Entrar em um tenant", "Unirse a un tenant"),
    "Key": ("密钥", "Chave", "Clave"),
    "My account": ("我的账户", "Minha conta", "Mi cuenta"),
    "New password": ("新密码", "Nova senha", "Nueva contraseña"),
    "No API keys.": ("没有 API 密钥。", "Nenhuma chave de API.", "No hay claves de API."),
    "Nothing recorded yet.": ("暂无记录。", "Nada registrado ainda.", "Nada registrado todavía."),
    "Off": ("关闭", "Desativado", "Desactivado"),
    "Off.": ("已关闭。", "Desativado.", "Desactivado."),
    "Older entries": ("更早的记录", "Registros anteriores", "Entradas anteriores"),
    "On": ("开启", "Ativado", "Activado"),
    "On: signing in asks for a code from your authenticator app.": (
        "已开启：登录时需要输入身份验证器应用中的验证码。",
        "Ativado: o login pede um código do seu app autenticador.",
        "Activado: al iniciar sesión se pide un código de su app de autenticación.",
    ),
    "Open invitations": ("未处理的邀请", "Convites em aberto", "Invitaciones abiertas"),
    "Open this link within 7 days to join %(tenant)s on the Ponte console:\n\n%(link)s\n": (
        "请在 7 天内打开此链接，在 Ponte 控制台加入 %(tenant)s：\n\n%(link)s\n",
        "Abra este link em até 7 dias para entrar em %(tenant)s no console do Ponte:\n\n%(link)s\n",
        "Abra este enlace en un plazo de 7 días para unirse a %(tenant)s en la consola de Ponte:\n\n%(link)s\n",
    ),
    "Open this link within an hour to choose a new password:\n\n%(link)s\n\nIf you did not ask for it, ignore this message: your password stays as it is.": (
        "请在一小时内打开此链接设置新密码：\n\n%(link)s\n\n如果不是您本人申请，请忽略此邮件：您的密码保持不变。",
        "Abra este link em até uma hora para escolher uma nova senha:\n\n%(link)s\n\nSe você não pediu, ignore esta mensagem: sua senha continua a mesma.",
        "Abra este enlace en el plazo de una hora para elegir una nueva contraseña:\n\n%(link)s\n\nSi no lo pidió, ignore este mensaje: su contraseña sigue igual.",
    ),
    "Password": ("密码", "Senha", "Contraseña"),
    "Password changed": ("已修改密码", "Senha alterada", "Contraseña cambiada"),
    "Password reset": ("已重置密码", "Senha redefinida", "Contraseña restablecida"),
    "Password reset asked for": (
        "已申请重置密码",
        "Redefinição de senha pedida",
        "Restablecimiento de contraseña solicitado",
    ),
    "People": ("人员", "Pessoas", "Personas"),
    "People of %(tenant)s": ("%(tenant)s 的人员", "Pessoas de %(tenant)s", "Personas de %(tenant)s"),
    "Person invited": ("已邀请人员", "Pessoa convidada", "Persona invitada"),
    "Person removed": ("已移除人员", "Pessoa removida", "Persona eliminada"),
    "Prefix": ("前缀", "Prefixo", "Prefijo"),
    "QR code of your two-step sign-in key": (
        "两步登录密钥的二维码",
        "QR code da sua chave de login em duas etapas",
        "Código QR de su clave de inicio de sesión en dos pasos",
    ),
    "Remove %(name)s": ("移除 %(name)s", "Remover %(name)s", "Eliminar a %(name)s"),
    "Reset your Ponte password": (
        "重置您的 Ponte 密码",
        "Redefina sua senha do Ponte",
        "Restablezca su contraseña de Ponte",
    ),
    "Revoke the key %(name)s": ("吊销密钥 %(name)s", "Revogar a chave %(name)s", "Revocar la clave %(name)s"),
    "Revoked on %(when)s": ("吊销于 %(when)s", "Revogada em %(when)s", "Revocada el %(when)s"),
    "Roles": ("角色", "Papéis", "Roles"),
    "Roles changed": ("已更改角色", "Papéis alterados", "Roles cambiados"),
    "Roles of %(name)s": ("%(name)s 的角色", "Papéis de %(name)s", "Roles de %(name)s"),
    "Save the password": ("保存密码", "Salvar a senha", "Guardar la contraseña"),
    "Save the roles": ("保存角色", "Salvar os papéis", "Guardar los roles"),
    "Scan this code with an authenticator app (or type the key below), then enter the code it shows.": (
        "用身份验证器应用扫描此二维码（或输入下方密钥），然后输入应用显示的验证码。",
        "Leia este código com um app autenticador (ou digite a chave abaixo) e informe o código que ele mostra.",
        "Escanee este código con una app de autenticación (o escriba la clave de abajo) e introduzca el código que muestra.",
    ),
    "Scopes": ("权限范围", "Escopos", "Ámbitos"),
    "Seller admin": ("卖家管理员", "Administrador do vendedor", "Administrador del vendedor"),
    "Send me a link": ("给我发送链接", "Enviar um link", "Enviarme un enlace"),
    "Send the invitation": ("发送邀请", "Enviar o convite", "Enviar la invitación"),
    "Set up two-step sign-in": (
        "设置两步登录",
        "Configurar o login em duas etapas",
        "Configurar el inicio de sesión en dos pasos",
    ),
    "Show": ("显示", "Mostrar", "Mostrar"),
    "Sign in with an API key": (
        "使用 API 密钥登录",
        "Entrar com uma chave de API",
        "Entrar con una clave de API",
    ),
    "Sign in with the key": ("用此密钥登录", "Entrar com a chave", "Entrar con la clave"),
    "Signed in": ("已登录", "Login feito", "Sesión iniciada"),
    "Signed out": ("已退出", "Saiu", "Sesión cerrada"),
    "Streamer": ("主播", "Streamer", "Streamer"),
    "Subject": ("对象", "Objeto", "Objeto"),
    "Switch": ("切换", "Trocar", "Cambiar"),
    "Tenant": ("租户", "Tenant", "Tenant"),
    "The API key has been revoked.": (
        "API 密钥已吊销。",
        "A chave de API foi revogada.",
        "La clave de API ha sido revocada.",
    ),
    "The invitation has been sent.": (
        "邀请已发送。",
        "O convite foi enviado.",
        "La invitación ha sido enviada.",
    ),
    "The invitation has been withdrawn.": (
        "邀请已撤回。",
        "O convite foi retirado.",
        "La invitación ha sido retirada.",
    ),
    "The new password again": ("再次输入新密码", "A nova senha de novo", "La nueva contraseña otra vez"),
    "The person has been removed from the tenant.": (
        "已将此人从租户中移除。",
        "A pessoa foi removida do tenant.",
        "La persona ha sido eliminada del tenant.",
    ),
    "The roles have been changed.": (
        "角色已更改。",
        "Os papéis foram alterados.",
        "Los roles han sido cambiados.",
    ),
    "The two passwords differ.": (
        "两次输入的密码不一致。",
        "As duas senhas são diferentes.",
        "Las dos contraseñas son distintas.",
    ),
    "This form has expired or was sent from another site. Reload the page and try again.": (
        "此表单已过期或来自其他网站。请刷新页面后重试。",
        "Este formulário expirou ou foi enviado de outro site. Recarregue a página e tente de novo.",
        "Este formulario ha caducado o se envió desde otro sitio. Recargue la página e inténtelo de nuevo.",
    ),
    "Turn two-step sign-in off": (
        "关闭两步登录",
        "Desativar o login em duas etapas",
        "Desactivar el inicio de sesión en dos pasos",
    ),
    "Turn two-step sign-in on": (
        "开启两步登录",
        "Ativar o login em duas etapas",
        "Activar el inicio de sesión en dos pasos",
    ),
    "Two-step sign-in": ("两步登录", "Login em duas etapas", "Inicio de sesión en dos pasos"),
    "Two-step sign-in is off.": (
        "两步登录已关闭。",
        "O login em duas etapas está desativado.",
        "El inicio de sesión en dos pasos está desactivado.",
    ),
    "Two-step sign-in is on: you will be asked for a code from your app.": (
        "两步登录已开启：登录时将要求输入应用中的验证码。",
        "O login em duas etapas está ativado: será pedido um código do seu app.",
        "El inicio de sesión en dos pasos está activado: se le pedirá un código de su app.",
    ),
    "Two-step sign-in turned off": (
        "已关闭两步登录",
        "Login em duas etapas desativado",
        "Inicio de sesión en dos pasos desactivado",
    ),
    "Two-step sign-in turned on": (
        "已开启两步登录",
        "Login em duas etapas ativado",
        "Inicio de sesión en dos pasos activado",
    ),
    "What": ("内容", "O quê", "Qué"),
    "When": ("时间", "Quando", "Cuándo"),
    "Who": ("人员", "Quem", "Quién"),
    "Withdraw the invitation to %(email)s": (
        "撤回发给 %(email)s 的邀请",
        "Retirar o convite para %(email)s",
        "Retirar la invitación a %(email)s",
    ),
    "Work for": ("代表租户", "Trabalhar para", "Trabajar para"),
    "You are invited to %(tenant)s as %(email)s.": (
        "您以 %(email)s 的身份受邀加入 %(tenant)s。",
        "Você foi convidado para %(tenant)s como %(email)s.",
        "Ha sido invitado a %(tenant)s como %(email)s.",
    ),
    "You are invited to %(tenant)s on Ponte": (
        "您受邀加入 Ponte 上的 %(tenant)s",
        "Você foi convidado para %(tenant)s no Ponte",
        "Ha sido invitado a %(tenant)s en Ponte",
    ),
    "You have joined the tenant. Sign in with your e-mail address and password.": (
        "您已加入该租户。请用电子邮件地址和密码登录。",
        "Você entrou no tenant. Entre com seu e-mail e sua senha.",
        "Se ha unido al tenant. Inicie sesión con su correo electrónico y su contraseña.",
    ),
    "You signed in with an API key or as a demo tenant: there is no personal account behind this session.": (
        "您是用 API 密钥或演示租户登录的：此会话没有对应的个人账户。",
        "Você entrou com uma chave de API ou como tenant de demonstração: não há conta pessoal por trás desta sessão.",
        "Ha entrado con una clave de API o como tenant de demostración: no hay una cuenta personal detrás de esta sesión.",
    ),
    "Your name": ("您的姓名", "Seu nome", "Su nombre"),
    "Your password": ("您的密码", "Sua senha", "Su contraseña"),
    "Your password has been changed. Sign in with it.": (
        "密码已修改，请用新密码登录。",
        "Sua senha foi alterada. Entre com ela.",
        "Su contraseña ha sido cambiada. Inicie sesión con ella.",
    ),
    "Your password has been changed; your other sessions have ended.": (
        "密码已修改；您的其他会话已结束。",
        "Sua senha foi alterada; suas outras sessões foram encerradas.",
        "Su contraseña ha sido cambiada; sus otras sesiones han terminado.",
    ),
    # the accounts service's messages (shown beside their fields)
    "the e-mail address or the password is wrong": (
        "电子邮件地址或密码错误",
        "o e-mail ou a senha está errado",
        "el correo electrónico o la contraseña son incorrectos",
    ),
    "too many failed attempts: try again in a few minutes": (
        "失败次数过多：请几分钟后再试",
        "tentativas demais sem sucesso: tente de novo em alguns minutos",
        "demasiados intentos fallidos: inténtelo de nuevo en unos minutos",
    ),
    "too slow: sign in again": (
        "超时：请重新登录",
        "demorou demais: entre de novo",
        "demasiado lento: inicie sesión de nuevo",
    ),
    "sign in again": ("请重新登录", "entre de novo", "inicie sesión de nuevo"),
    "this code is wrong or was already used": (
        "验证码错误或已使用过",
        "este código está errado ou já foi usado",
        "este código es incorrecto o ya se usó",
    ),
    "this account is not a member of any tenant": (
        "此账户不属于任何租户",
        "esta conta não é membro de nenhum tenant",
        "esta cuenta no es miembro de ningún tenant",
    ),
    "enter an e-mail address": (
        "请输入电子邮件地址",
        "informe um e-mail",
        "introduzca un correo electrónico",
    ),
    "this is not an e-mail address": (
        "这不是有效的电子邮件地址",
        "isto não é um e-mail",
        "esto no es un correo electrónico",
    ),
    "enter a name": ("请输入姓名", "informe um nome", "introduzca un nombre"),
    "at most 100 characters, on one line": (
        "最多 100 个字符，且为单行",
        "no máximo 100 caracteres, em uma linha",
        "como máximo 100 caracteres, en una línea",
    ),
    "at least 12 characters": ("至少 12 个字符", "pelo menos 12 caracteres", "al menos 12 caracteres"),
    "at most 256 characters": ("最多 256 个字符", "no máximo 256 caracteres", "como máximo 256 caracteres"),
    "too easy to guess": ("太容易被猜到", "fácil demais de adivinhar", "demasiado fácil de adivinar"),
    "choose at least one role": (
        "请至少选择一个角色",
        "escolha pelo menos um papel",
        "elija al menos un rol",
    ),
    "this person is already a member of the tenant": (
        "此人已是该租户的成员",
        "esta pessoa já é membro do tenant",
        "esta persona ya es miembro del tenant",
    ),
    "the tenant needs at least one person who manages its people": (
        "租户至少需要一名管理人员的成员",
        "o tenant precisa de pelo menos uma pessoa que gerencie as pessoas",
        "el tenant necesita al menos una persona que gestione a su gente",
    ),
    "this invitation is not valid any more": (
        "此邀请已失效",
        "este convite não vale mais",
        "esta invitación ya no es válida",
    ),
    "this invitation has expired; ask for a new one": (
        "此邀请已过期；请索取新的邀请",
        "este convite expirou; peça um novo",
        "esta invitación ha caducado; pida una nueva",
    ),
    "this is not the password of this account": (
        "这不是此账户的密码",
        "esta não é a senha desta conta",
        "esta no es la contraseña de esta cuenta",
    ),
    "this link was already used or is not valid": (
        "此链接已使用或无效",
        "este link já foi usado ou não é válido",
        "este enlace ya se usó o no es válido",
    ),
    "this link has expired; ask for a new one": (
        "此链接已过期；请申请新链接",
        "este link expirou; peça um novo",
        "este enlace ha caducado; pida uno nuevo",
    ),
    "this link is not valid": ("此链接无效", "este link não é válido", "este enlace no es válido"),
    "this is not your current password": (
        "这不是您当前的密码",
        "esta não é sua senha atual",
        "esta no es su contraseña actual",
    ),
    "this code is wrong: type the code your app shows now": (
        "验证码错误：请输入应用当前显示的验证码",
        "este código está errado: digite o código que seu app mostra agora",
        "este código es incorrecto: escriba el código que muestra su app ahora",
    ),
}

LANGS = {"zh_CN": 0, "pt_BR": 1, "es": 2, "en": None}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    root = Path(__file__).resolve().parents[1] / "src" / "ponte" / "web" / "locale"
    for lang, column in LANGS.items():
        lines = [
            "# The accounts' console messages: sign-in, people, keys, audit (written by tools/accounts_messages.py).",
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            f'"Language: {lang}\\n"',
            "",
        ]
        for msgid, texts in M.items():
            lines += [
                f"msgid {_quote(msgid)}",
                f"msgstr {_quote(msgid if column is None else texts[column])}",
                "",
            ]
        (root / lang / "LC_MESSAGES" / "accounts.po").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
