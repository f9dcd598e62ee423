import { readFileSync } from 'node:fs';
import { desiredStateSchema } from '../core/contracts/desired-state.ts';
import { timeMockedProgram } from './pulumi-program.ts';

/** Child process of `npm run bench`: Pulumi's mocks are process-global, so each timing gets a fresh process. */
const doc = desiredStateSchema.parse(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
process.stdout.write(`${JSON.stringify(await timeMockedProgram(doc))}\n`);
