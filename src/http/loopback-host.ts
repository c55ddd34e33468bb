/**
 * Whether a URL's host is this machine's loopback, so that plain http to it never leaves the
 * machine: the one rule for a key-set URL, read by config.ts (AUTH_JWKS_URL) and jwt-key-set.ts.
 *
 * `hostname` as a WHATWG URL spells it (`new URL(...).hostname`): the parser has already made
 * 127.1, 0x7f000001 and 2130706433 into 127.0.0.1, [0:0:0:0:0:0:0:1] into [::1] and names lower
 * case, so only those spellings are looked for. Loopback: 127.0.0.0/8, [::1], and the name
 * localhost (RFC 6761 keeps it for loopback; its subdomains are not taken on trust).
 *
 * The IPv4-mapped [::ffff:7f00:1] (::ffff:127.0.0.1) is refused: whether it reaches 127.0.0.1
 * depends on the host's IPv6 stack (dual-stack sockets, IPV6_V6ONLY, systems without mapped
 * addresses), IANA names ::1 the only IPv6 loopback, and the same address has its plain spelling.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname)?.slice(1);
  return octets !== undefined && octets.every((octet) => String(Number(octet)) === octet && Number(octet) <= 255);
}
