// Node's net echo server, for comparing with echoserver under echoload:
//   node bench/cmd/echoserver/echo_server.js 127.0.0.1:10000
// It prints "listening on HOST:PORT" (the port chosen, for port 0) and
// serves until SIGINT or SIGTERM.
const net = require("net");
const [host, port] = (process.argv[2] || "127.0.0.1:10000").split(":");
const server = net.createServer((c) => {
  c.on("data", (d) => c.write(d));
  c.on("error", () => {});
});
server.listen(Number(port), host, () => console.log(`listening on ${host}:${server.address().port}`));
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(0));
