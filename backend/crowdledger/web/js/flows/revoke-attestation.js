// The attester withdraws its attestation of the account the page shows (and voids its unsubmitted signatures).
import { simpleFlow } from "./simple.js";

export default simpleFlow("revoke-attestation", "Reputation", "revoke", (ctx) => [ctx.data.account]);
