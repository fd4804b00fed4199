"""The WeChat official-account edge: the only package that knows the WeChat wire format.

signature → decrypt → parse → our typed ``bot.messages.Incoming*`` → ``engine.handle`` → passive text reply
→ encrypt; anything slower than the reply budget is pushed later through the customer-service API via the
durable outbox.

Modules: ``errors`` (exception hierarchy), ``crypto`` (signatures, AES), ``inbound`` (one hardened XML parse,
then our typed message), ``reply`` (passive reply XML), ``text`` (text → WeChat-sized messages:
``wechat_messages``, ``split_text``), ``edge`` (the protocol handler and the reply budget; ``app.routes.wechat``
is the FastAPI route), ``gateway`` (WeChat API over httpx), ``outbox`` (durable pushes), ``menu`` (the custom
menu JSON).
"""
