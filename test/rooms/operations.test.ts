import assert from "node:assert/strict";
import { arenaForSuite, testToken } from "../helpers";

describe("operator routes", () => {
  const arena = arenaForSuite(2575);

  const get = async (path: string, role?: "operator" | "display") =>
    fetch(`${arena.server.httpUrl}${path}`, role ? { headers: { Authorization: `Bearer ${await testToken({ name: "x", role })}` } } : {});

  it("lists this node in /api/nodes for operators only", async () => {
    assert.equal((await get("/api/nodes")).status, 401);
    assert.equal((await get("/api/nodes", "display")).status, 403);
    const { nodes } = (await (await get("/api/nodes", "operator")).json()) as { nodes: { id: string; address: string; rooms: number; draining: boolean }[] };
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].draining, false);
    assert.equal(typeof nodes[0].rooms, "number");
  });

  it("mounts the Colyseus monitor behind operator auth", async () => {
    assert.equal((await get("/colyseus/api")).status, 401);
    assert.equal((await get("/colyseus/api", "display")).status, 403);
    const res = await get("/colyseus/api", "operator");
    assert.equal(res.status, 200);
  });

  it("lets a browser log in to the monitor with the operator token as the Basic auth password", async () => {
    const page = `${arena.server.httpUrl}/colyseus/`;
    const anonymous = await fetch(page);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Basic realm="Arena monitor"/, "the browser shows its login prompt");
    const basic = (token: string) => ({ headers: { Authorization: `Basic ${Buffer.from(`ops:${token}`).toString("base64")}` } });
    const operator = await fetch(page, basic(await testToken({ name: "ops", role: "operator" })));
    assert.equal(operator.status, 200);
    assert.match(await operator.text(), /<html/i);
    assert.equal((await fetch(page, basic(await testToken({ name: "d", role: "display" })))).status, 403);
    assert.equal((await fetch(page, basic("not-a-token"))).status, 401);
  });
});
