"""CEB messages over MQ: the exchange platform's AMQP endpoint (RabbitMQ, as the DXP gateways use it).

A message goes out as its DxpMsg envelope (persistent, ``message_id`` = its guid, publisher confirms),
receipts come back on the enterprise's queue and are acknowledged only once applied. Delivery is at
least once: a crash between publishing and marking the outbox row sent publishes the same CopMsgId
again, and the receiver (the e-port, Ponte's simulator) processes a CopMsgId once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from ponte.customs.china.dxp import wrap_message
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import PonteError

__all__ = ["MqLink", "MqReceipts", "MqTransport"]


class MqError(PonteError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="customs_mq_url", rule=CustomsCode.TRANSPORT, status=502)


class MqLink:
    """One connection and channel to the broker, with the two queues declared durable."""

    def __init__(self, url: str, send_queue: str, receive_queue: str) -> None:
        self.url, self.send_queue, self.receive_queue = url, send_queue, receive_queue
        self._conn: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def channel(self) -> BlockingChannel:
        if self._channel is None or self._channel.is_closed:
            try:
                self._conn = pika.BlockingConnection(pika.URLParameters(self.url))
                ch = self._conn.channel()
                ch.confirm_delivery()
                for q in (self.send_queue, self.receive_queue):
                    ch.queue_declare(queue=q, durable=True)
            except AMQPError as exc:
                raise MqError(f"the MQ endpoint did not answer: {exc!r}") from None
            self._channel = ch
        return self._channel

    def close(self) -> None:
        if self._conn is not None and self._conn.is_open:
            self._conn.close()
        self._conn = self._channel = None


class MqTransport:
    def __init__(self, link: MqLink) -> None:
        self.link = link

    def send(self, guid: str, message: bytes) -> bool:
        body = wrap_message(message, guid, datetime.now(UTC))
        try:
            self.link.channel().basic_publish(
                exchange="",
                routing_key=self.link.send_queue,
                body=body,
                properties=pika.BasicProperties(
                    delivery_mode=2, message_id=guid, content_type="application/xml"
                ),
                mandatory=True,
            )
        except AMQPError as exc:
            raise MqError(f"publishing {guid} failed: {exc!r}") from None
        return True


class MqReceipts:
    """Receipts waiting on the enterprise's queue; each is acknowledged when marked done."""

    def __init__(self, link: MqLink) -> None:
        self.link = link
        self._tags: dict[str, int] = {}

    def receive(self) -> Iterator[tuple[str, bytes]]:
        ch = self.link.channel()
        while True:
            method, props, body = ch.basic_get(queue=self.link.receive_queue, auto_ack=False)
            if method is None:
                return
            name = (props.message_id if props is not None else None) or f"mq-{method.delivery_tag}"
            self._tags[name] = method.delivery_tag
            yield name, body

    def done(self, name: str) -> None:
        tag = self._tags.pop(name, None)
        if tag is not None:
            self.link.channel().basic_ack(delivery_tag=tag)
