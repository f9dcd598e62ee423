import { PolicyPack } from '@pulumi/policy';
import { siteCapacityPolicy } from './capacity-policy.ts';

// `pulumi preview --policy-pack infra/policy`. Constructing the pack starts the analyzer's gRPC
// server and prints its port for the CLI, so only the CLI loads this file; tests import
// capacity-policy.ts.
//
// Why `.mts`: Pulumi's policy runner always registers its vendored ts-node for `.ts` files and
// type-checks the entry with it, and that check refuses the `.ts` import extensions native
// type stripping needs. ts-node leaves `.mts` alone, so Node 24 strips the types itself, as it
// does for the program.
new PolicyPack('govops-capacity', { policies: [siteCapacityPolicy], enforcementLevel: 'mandatory' });
