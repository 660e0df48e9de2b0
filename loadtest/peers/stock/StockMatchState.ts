import { MapSchema, Schema, type } from "@colyseus/schema";

/** Arena's state fields, typed the way the Colyseus docs show them: positions and angle as float32. */
export class StockPlayerState extends Schema {
  @type("string") name = "";
  @type("string") team = "";
  @type("float32") x = 0;
  @type("float32") y = 0;
  @type("float32") angle = 0;
  @type("uint8") hp = 0;
  @type("uint32") ack = 0;
  @type("boolean") connected = true;
  @type("uint16") kills = 0;
  @type("uint16") deaths = 0;
}

export class StockMatchState extends Schema {
  @type({ map: StockPlayerState }) players = new MapSchema<StockPlayerState>();
  @type("string") phase = "waiting";
  @type("uint16") redScore = 0;
  @type("uint16") blueScore = 0;
  @type("uint16") timeLeft = 0;
  @type("string") winner = "";
}
