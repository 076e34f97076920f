#!/usr/bin/env node
import { runCli } from "./program/create-program.js";

process.exitCode = await runCli(process.argv);
