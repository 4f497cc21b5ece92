// The main program itself, unchanged: the repository's index.ts and its stack outputs.
export * from "../../index";
