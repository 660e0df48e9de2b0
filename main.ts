import { listen } from "@colyseus/tools";
import arenaConfig from "./arena.config";

listen(arenaConfig);
