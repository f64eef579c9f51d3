"""HS classification: ranked, explained HS 2022 subheadings for a product title in zh-CN, en, pt-BR or es,
confirmed by the seller and overridden by a broker with a reason."""
