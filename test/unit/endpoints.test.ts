import assert from "node:assert/strict";
import { arenaClient } from "../../client/arenaClient";
import { endpointOfClient, EndpointRotation, endpointsOf } from "../../client/endpoints";

describe("client endpoint rotation", () => {
  const urls = ["http://10.0.0.1:2567", "http://10.0.0.2:2567", "http://10.0.0.3:2567"];
  const urlsOf = (rotation: EndpointRotation, steps: number) =>
    Array.from({ length: steps }, () => {
      const url = rotation.current.url;
      rotation.advance();
      return url;
    });

  it("goes round the endpoints in order, one after each failure", () => {
    assert.deepEqual(urlsOf(new EndpointRotation(endpointsOf(urls, "t")), 4), [...urls, urls[0]]);
    assert.deepEqual(urlsOf(new EndpointRotation(endpointsOf(urls[0], "t")), 2), [urls[0], urls[0]]);
  });

  it("picks past the endpoints at an address to avoid, and none when all are there", () => {
    const rotation = new EndpointRotation(endpointsOf(urls, "t"));
    assert.equal(rotation.pick("10.0.0.1:2567")?.url, urls[1]);
    assert.equal(rotation.current.url, urls[1], "the pick becomes the current endpoint");
    assert.equal(rotation.pick()?.url, urls[1]);
    assert.equal(new EndpointRotation(endpointsOf(urls[2], "t")).pick("10.0.0.3:2567"), undefined);
  });

  it("takes the address of a colyseus.js client it is given", () => {
    const client = arenaClient("https://arena.example.com:8443", "t");
    assert.equal(new URL(endpointOfClient(client).url).host, "arena.example.com:8443");
    assert.equal(endpointOfClient(client).client, client);
  });
});
