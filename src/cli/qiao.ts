#!/usr/bin/env node
/** The `qiao` command line. Each command parses its flags and calls the layers below. */
import { Command } from 'commander';
import { QIAO_VERSION } from '../version.js';
import { registerReindex } from './reindex.js';
import { registerServe } from './serve.js';

const program = new Command();
program
  .name('qiao')
  .description('Qiao (桥): a FHIR R4 server for hospitals')
  .version(QIAO_VERSION);
registerServe(program);
registerReindex(program);
await program.parseAsync(process.argv);
