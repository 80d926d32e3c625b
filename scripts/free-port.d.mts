/** A free 127.0.0.1 port below the kernel's ephemeral range, for a server that binds it later. */
export function freePort(): Promise<number>;
