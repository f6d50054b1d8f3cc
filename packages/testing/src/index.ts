import "@koordinates-effect/client"; export const y = 2
