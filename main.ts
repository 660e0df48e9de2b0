import { listen } from "@colyseus/tools";
import { createArena } from "./arena.config";

listen(createArena());
