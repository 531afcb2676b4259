import { fromHex, isDecodeError, type DecodeError } from '@wirestack/core';

/** Hex with a comment per field; comments and spaces are dropped. */
export function hexLines(text: string): Uint8Array {
  return fromHex(text.replace(/#.*$/gm, ''));
}

/** The 14-byte Ethernet II header for IPv4, written by hand (tests do not import @wirestack/ethernet). */
export const ETHERNET_IPV4 = Uint8Array.of(0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00);

export function inEthernet(datagram: Uint8Array): Uint8Array {
  const out = new Uint8Array(ETHERNET_IPV4.length + datagram.length);
  out.set(ETHERNET_IPV4, 0);
  out.set(datagram, ETHERNET_IPV4.length);
  return out;
}

/** Runs `fn`; returns the DecodeError it threw, or undefined. Any other exception fails the test. */
export function decodeErrorOf(fn: () => unknown): DecodeError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!isDecodeError(error)) throw error;
    return error;
  }
}
