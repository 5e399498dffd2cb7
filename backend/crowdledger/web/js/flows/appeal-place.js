// A worker whose work was rejected appeals to the task's arbiter, within the appeal window.
import { simpleFlow } from "./simple.js";

export default {
  ...simpleFlow("appeal-place", "Bounty", "appeal", (ctx) => [
    BigInt(ctx.data.task),
    BigInt(ctx.form.elements.place.value),
  ]),
  /** Offer the connected worker their own rejected places alone: the contract refuses anyone else's
   * (NotPlaceHolder). The form itself is shown only to those places' workers. */
  forAccount(form, account) {
    const select = form.elements.place;
    const mine = [...select.options].filter((o) => o.dataset.worker === account?.toLowerCase());
    for (const option of select.options) option.hidden = option.disabled = !mine.includes(option);
    if (mine.length) select.value = mine[0].value;
  },
};
