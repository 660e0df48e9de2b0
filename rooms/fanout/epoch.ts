import { randomBytes } from "node:crypto";

/** A new epoch name: random, so a store that lost a channel can never hand out one it used before. */
export const newEpoch = (): string => randomBytes(6).toString("base64url");
