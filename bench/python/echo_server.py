"""Echo servers for comparing with bench/cmd/echoserver under bench/cmd/echoload.

    python3 bench/python/echo_server.py --addr 127.0.0.1:10000 --api streams
    python3 bench/python/echo_server.py --addr 127.0.0.1:10000 --api protocol --uvloop

--api streams serves with asyncio.start_server (reader.read, writer.write,
drain), as a handler on loop/streams does; --api protocol with a Protocol
whose data_received writes straight back. --uvloop runs either on uvloop
(Debian's python3-uvloop, for /usr/bin/python3). Prints "listening on
ADDR" once it accepts, and serves until SIGINT or SIGTERM.
"""

import argparse
import asyncio
import signal


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main(host, port, api):
    loop = asyncio.get_running_loop()
    if api == "streams":
        server = await asyncio.start_server(echo, host, port)
    else:
        server = await loop.create_server(Echo, host, port)
    print("listening on %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set_result, None)
    await stop
    server.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1:10000")
    ap.add_argument("--api", choices=["streams", "protocol"], default="streams")
    ap.add_argument("--uvloop", action="store_true")
    args = ap.parse_args()
    host, port = args.addr.rsplit(":", 1)
    if args.uvloop:
        import uvloop
        uvloop.install()
    asyncio.run(main(host, int(port), args.api))
