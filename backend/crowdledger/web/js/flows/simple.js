// A flow that is one contract call: `args(ctx)` builds its arguments from the form and the page.
export function simpleFlow(name, contractName, functionName, args) {
  return {
    name,
    async run(ctx) {
      await ctx.send(ctx.contract(contractName), functionName, args(ctx));
    },
  };
}
