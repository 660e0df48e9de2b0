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
});
