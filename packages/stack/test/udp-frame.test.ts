import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EncodeError,
  checksumAdd,
  checksumFold,
  formatIpv4,
  formatMac,
  hex,
  toHex,
  type Ipv4Address,
  type MacAddress,
} from '@wirestack/core';
import { ipv4Address, macAddress, uint16 } from '@wirestack/core/arbitraries';
import { decodeEthernet } from '@wirestack/ethernet';
import { decodeIpv4 } from '@wirestack/ipv4';
import { decodeUdp } from '@wirestack/udp';
import { missingPrerequisite, tsharkFields } from '@wirestack-tools/testkit';
import { UdpFrameTemplate, buildInto, type LayerInput, type UdpFrameChanges, type UdpFrameFields } from '../src/index.js';

/** Data lengths: often tiny (padding), odd or even, sometimes long. */
const data = (max = 300) => fc.uint8Array({ maxLength: max });

function templateFields(maxData = 300): fc.Arbitrary<UdpFrameFields> {
  return fc.record(
    {
      dstMac: macAddress(),
      srcMac: macAddress(),
      srcIp: ipv4Address(),
      dstIp: ipv4Address(),
      srcPort: uint16(),
      dstPort: uint16(),
      ttl: fc.integer({ min: 0, max: 255 }),
      id: uint16(),
      dscp: fc.integer({ min: 0, max: 63 }),
      ecn: fc.integer({ min: 0, max: 3 }),
      df: fc.boolean(),
      payload: data(maxData),
      pad: fc.boolean(),
    },
    { requiredKeys: ['dstMac', 'srcMac', 'srcIp', 'dstIp', 'srcPort', 'dstPort'] },
  );
}

/** Per-frame changes: any subset of the fields, and the data copied, in place, or the template's. */
function frameChanges(maxData = 300): fc.Arbitrary<UdpFrameChanges & { readonly inPlaceData?: Uint8Array }> {
  return fc
    .record(
      { srcIp: ipv4Address(), dstIp: ipv4Address(), srcPort: uint16(), dstPort: uint16(), id: uint16(), data: fc.option(data(maxData)), inPlace: fc.boolean() },
      { requiredKeys: ['data', 'inPlace'] },
    )
    .map(({ data: d, inPlace, ...rest }) => {
      if (d === null) return rest;
      return inPlace ? { ...rest, payloadLength: d.length, inPlaceData: d } : { ...rest, payload: d };
    });
}

/** The frame's fields after `changes`, as builder layers. */
function layersFor(fields: UdpFrameFields, changes: UdpFrameChanges, payload: Uint8Array): LayerInput[] {
  return [
    { layer: 'ethernet', dst: fields.dstMac, src: fields.srcMac, pad: fields.pad ?? true },
    {
      layer: 'ipv4',
      src: changes.srcIp ?? fields.srcIp,
      dst: changes.dstIp ?? fields.dstIp,
      id: changes.id ?? fields.id ?? 0,
      ttl: fields.ttl ?? 64,
      dscp: fields.dscp ?? 0,
      ecn: fields.ecn ?? 0,
      df: fields.df === true,
    },
    { layer: 'udp', srcPort: changes.srcPort ?? fields.srcPort, dstPort: changes.dstPort ?? fields.dstPort },
    { layer: 'payload', bytes: payload },
  ];
}

/**
 * Writes `changes` with `template` into `out` at `offset` (putting
 * in-place data there first) and checks the frame: the object decoders
 * accept it strictly with both checksums right and read the fields given,
 * and it is byte for byte what the builder writes. Returns the frame.
 */
function writeAndCheck(
  template: UdpFrameTemplate,
  fields: UdpFrameFields,
  out: Uint8Array,
  offset: number,
  changes: UdpFrameChanges & { readonly inPlaceData?: Uint8Array },
): Uint8Array {
  if (changes.inPlaceData !== undefined) out.set(changes.inPlaceData, offset + 42);
  const payload = changes.inPlaceData ?? changes.payload ?? fields.payload ?? new Uint8Array(0);
  const { inPlaceData: _, ...realChanges } = changes;
  const before = out.slice();
  const length = template.write(out, offset, realChanges);
  const expectedLength = Math.max(42 + payload.length, fields.pad === false ? 0 : 60);
  expect(length).toBe(expectedLength);
  // Nothing outside the frame is touched.
  expect(out.subarray(0, offset)).toEqual(before.subarray(0, offset));
  expect(out.subarray(offset + length)).toEqual(before.subarray(offset + length));

  const srcIp = changes.srcIp ?? fields.srcIp;
  const dstIp = changes.dstIp ?? fields.dstIp;
  const eth = decodeEthernet(out.subarray(0, offset + length), offset);
  expect(eth.header).toEqual({ dst: fields.dstMac, src: fields.srcMac, etherType: 0x0800 });
  const ip = decodeIpv4(out.subarray(0, offset + length), offset + 14);
  expect(ip.header).toMatchObject({
    version: 4,
    ihl: 5,
    dscp: fields.dscp ?? 0,
    ecn: fields.ecn ?? 0,
    totalLength: 28 + payload.length,
    id: changes.id ?? fields.id ?? 0,
    reservedFlag: false,
    df: fields.df === true,
    mf: false,
    fragmentOffset: 0,
    ttl: fields.ttl ?? 64,
    protocol: 17,
    src: srcIp,
    dst: dstIp,
    options: [],
    checksumValid: true,
  });
  const udp = decodeUdp(out.subarray(0, offset + length), offset + 34, { pseudoHeader: { src: srcIp, dst: dstIp }, ipPayloadLength: 8 + payload.length });
  expect(udp.header).toMatchObject({ srcPort: changes.srcPort ?? fields.srcPort, dstPort: changes.dstPort ?? fields.dstPort, length: 8 + payload.length });
  expect(udp.checksumValid).toBe(true);
  expect(udp.header.checksum).not.toBe(0);
  expect(udp.payload).toEqual(payload);
  // Padding is zeros.
  expect(udp.padding.every((b) => b === 0)).toBe(true);

  const built = new Uint8Array(length + 16);
  const builtLength = buildInto(layersFor(fields, changes, payload), built, 0);
  expect(toHex(out.subarray(offset, offset + length))).toBe(toHex(built.subarray(0, builtLength)));
  return out.subarray(offset, offset + length);
}

describe('UdpFrameTemplate', () => {
  it('every frame it writes decodes strictly with the fields given and is what the builder writes', () => {
    fc.assert(
      fc.property(
        templateFields(),
        fc.array(frameChanges(), { minLength: 1, maxLength: 10 }),
        fc.nat({ max: 9 }),
        fc.nat({ max: 7 }),
        fc.uint8Array({ minLength: 400, maxLength: 400 }),
        (fields, changesList, offset, byteOffset, garbage) => {
          const template = new UdpFrameTemplate(fields);
          // Reused buffers holding whatever came before (every frame must
          // overwrite all of its bytes), the second a subarray at an odd or
          // even place in its ArrayBuffer. Frames go to one, then the other,
          // then one again, up to three in a row: the second frame with new
          // data into a buffer makes the template keep a DataView over it,
          // the third sums through it.
          const outs = [new Uint8Array(byteOffset + 400).fill(0x5a).subarray(byteOffset), Uint8Array.from(garbage)];
          outs[0]!.set(garbage.subarray(200));
          writeAndCheck(template, fields, outs[0]!, offset, {});
          changesList.forEach((changes, i) => writeAndCheck(template, fields, outs[Math.floor(i / 3) % 2]!, offset, changes));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sends a computed UDP checksum of 0 as 0xFFFF', () => {
    // Data whose last word makes the sum over pseudo-header, header and
    // data fold to 0xFFFF, so its complement, the checksum, computes as 0.
    fc.assert(
      fc.property(templateFields(64), frameChanges(), fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.boolean(), (fields, changes, head, inPlace) => {
        const srcIp = changes.srcIp ?? fields.srcIp;
        const dstIp = changes.dstIp ?? fields.dstIp;
        const srcPort = changes.srcPort ?? fields.srcPort;
        const dstPort = changes.dstPort ?? fields.dstPort;
        const payload = new Uint8Array(((head.length + 1) & ~1) + 2);
        payload.set(head);
        const udpLength = 8 + payload.length;
        let sum = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + 17 + udpLength;
        sum += srcPort + dstPort + udpLength;
        sum = checksumFold(checksumAdd(payload, 0, payload.length, sum));
        const last = 0xffff - sum; // fold(sum + last) = 0xFFFF (sum is never 0: the ports and Length are in it)
        payload[payload.length - 2] = last >>> 8;
        payload[payload.length - 1] = last & 0xff;
        const template = new UdpFrameTemplate(fields);
        const out = new Uint8Array(200).fill(0xa5);
        const { inPlaceData: _, payload: _p, payloadLength: _l, ...rest } = changes;
        const frame = writeAndCheck(template, fields, out, 3, inPlace ? { ...rest, payloadLength: payload.length, inPlaceData: payload } : { ...rest, payload });
        expect(hex((frame[40]! << 8) | frame[41]!)).toBe('0xffff');
        // The same data as the template's own.
        const ownFields: UdpFrameFields = { ...fields, srcIp, dstIp, srcPort, dstPort, id: changes.id ?? fields.id ?? 0, payload };
        const again = writeAndCheck(new UdpFrameTemplate(ownFields), ownFields, new Uint8Array(200), 0, {});
        expect(hex((again[40]! << 8) | again[41]!)).toBe('0xffff');
      }),
      { numRuns: 300 },
    );
  });

  it('owns its data: changing the array given later does not change the frames', () => {
    const payload = Uint8Array.of(1, 2, 3, 4, 5);
    const fields: UdpFrameFields = { dstMac: 2 as MacAddress, srcMac: 1 as MacAddress, srcIp: 0x0a000001 as Ipv4Address, dstIp: 0x0a000002 as Ipv4Address, srcPort: 1000, dstPort: 2000, payload };
    const template = new UdpFrameTemplate(fields);
    payload.fill(9);
    const out = new Uint8Array(60);
    writeAndCheck(template, { ...fields, payload: Uint8Array.of(1, 2, 3, 4, 5) }, out, 0, {});
    expect(template.length).toBe(60);
  });

  it('defaults: TTL 64, id 0, DSCP/ECN 0, DF clear, padded to 60 bytes, no data', () => {
    const template = new UdpFrameTemplate({ dstMac: 2 as MacAddress, srcMac: 1 as MacAddress, srcIp: 1 as Ipv4Address, dstIp: 2 as Ipv4Address, srcPort: 3, dstPort: 4 });
    const out = new Uint8Array(64);
    expect(template.write(out)).toBe(60);
    const ip = decodeIpv4(out.subarray(0, 60), 14).header;
    expect([ip.ttl, ip.id, ip.dscp, ip.ecn, ip.df, ip.totalLength]).toEqual([64, 0, 0, 0, false, 28]);
    expect(new UdpFrameTemplate({ dstMac: 2 as MacAddress, srcMac: 1 as MacAddress, srcIp: 1 as Ipv4Address, dstIp: 2 as Ipv4Address, srcPort: 3, dstPort: 4, pad: false }).write(out)).toBe(42);
  });

  describe('invalid input: EncodeError naming the field, nothing written', () => {
    const good: UdpFrameFields = {
      dstMac: 0x0200_0000_0002 as MacAddress,
      srcMac: 0x0200_0000_0001 as MacAddress,
      srcIp: 0x0a00_0001 as Ipv4Address,
      dstIp: 0x0a00_0002 as Ipv4Address,
      srcPort: 40000,
      dstPort: 53,
    };
    const errorOf = (fn: () => unknown): EncodeError => {
      try {
        fn();
      } catch (error) {
        if (error instanceof EncodeError) return error;
        throw error;
      }
      throw new Error('no EncodeError thrown');
    };

    it.each([
      ['dstMac', 2 ** 48, 'out-of-range'],
      ['srcMac', -1, 'out-of-range'],
      ['srcIp', 2 ** 32, 'out-of-range'],
      ['dstIp', 1.5, 'out-of-range'],
      ['srcPort', 65536, 'out-of-range'],
      ['dstPort', Number.NaN, 'out-of-range'],
      ['ttl', 256, 'out-of-range'],
      ['id', 65536, 'out-of-range'],
      ['dscp', 64, 'out-of-range'],
      ['ecn', 4, 'out-of-range'],
      ['df', 1, 'invalid'],
      ['pad', 'yes', 'invalid'],
      ['payload', new Uint8Array(65508), 'too-long'],
    ])('new UdpFrameTemplate({ %s: %s })', (field, value, code) => {
      const error = errorOf(() => new UdpFrameTemplate({ ...good, [field]: value } as UdpFrameFields));
      expect([error.code, error.field]).toEqual([code, field]);
    });

    it('accepts the largest data, 65,507 bytes', () => {
      const template = new UdpFrameTemplate({ ...good, payload: new Uint8Array(65507) });
      expect(template.length).toBe(65549);
      expect(template.write(new Uint8Array(65549), 0, { payloadLength: 65507 })).toBe(65549);
    });

    it.each([
      ['srcIp', { srcIp: -1 }, 'out-of-range'],
      ['dstIp', { dstIp: 2 ** 32 }, 'out-of-range'],
      ['srcPort', { srcPort: 65536 }, 'out-of-range'],
      ['dstPort', { dstPort: 0.5 }, 'out-of-range'],
      ['id', { id: 70000 }, 'out-of-range'],
      ['id', { id: '1' }, 'out-of-range'],
      ['payloadLength', { payloadLength: 65508 }, 'too-long'],
      ['payloadLength', { payloadLength: -2 }, 'out-of-range'],
      ['payloadLength', { payload: new Uint8Array(2), payloadLength: 2 }, 'invalid'],
      ['payload', { payload: new Uint8Array(65508) }, 'too-long'],
    ])('write(out, 0, changes): %s', (field, changes, code) => {
      const template = new UdpFrameTemplate(good);
      const out = new Uint8Array(70_000).fill(0xee);
      const error = errorOf(() => template.write(out, 0, changes as UdpFrameChanges));
      expect([error.code, error.field]).toEqual([code, field]);
      expect(out.every((b) => b === 0xee)).toBe(true);
    });

    it.each([
      ['too small', 59, 0],
      ['too small at the offset', 100, 41],
      ['negative offset', 100, -1],
      ['fractional offset', 100, 0.5],
    ])('write into a buffer: %s', (_, size, offset) => {
      const template = new UdpFrameTemplate(good);
      const out = new Uint8Array(size).fill(0xee);
      const error = errorOf(() => template.write(out, offset));
      expect([error.code, error.field]).toEqual(['buffer-too-small', 'out']);
      expect(out.every((b) => b === 0xee)).toBe(true);
    });

    it('in-place data must fit the buffer too', () => {
      const template = new UdpFrameTemplate(good);
      const error = errorOf(() => template.write(new Uint8Array(100), 0, { payloadLength: 59 }));
      expect([error.code, error.field]).toEqual(['buffer-too-small', 'out']);
    });
  });
});

describe('tshark reads the frames a template writes', () => {
  const missing = missingPrerequisite({ commands: ['tshark'] });
  const FIELDS = [
    'eth.dst',
    'eth.src',
    'eth.type',
    'ip.src',
    'ip.dst',
    'ip.len',
    'ip.id',
    'ip.ttl',
    'ip.dsfield.dscp',
    'ip.dsfield.ecn',
    'ip.flags.df',
    'ip.checksum.status',
    'udp.srcport',
    'udp.dstport',
    'udp.length',
    'udp.checksum',
    'udp.checksum.status',
  ];
  const ARGS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];

  it.skipIf(missing !== undefined)('with the fields given and both checksums good, on 3000 random frames', () => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const samples = fc.sample(fc.record({ fields: templateFields(200), changes: frameChanges(200) }), { numRuns: 3000, seed });
    const frames = samples.map(({ fields, changes }) => {
      const out = new Uint8Array(42 + 200 + 60);
      if (changes.inPlaceData !== undefined) out.set(changes.inPlaceData, 42);
      const { inPlaceData: _, ...rest } = changes;
      return out.slice(0, new UdpFrameTemplate(fields).write(out, 0, rest));
    });
    const rows = tsharkFields(frames, FIELDS, ARGS);
    expect(rows.length).toBe(frames.length);
    samples.forEach(({ fields, changes }, i) => {
      const dataLength = changes.inPlaceData?.length ?? changes.payload?.length ?? fields.payload?.length ?? 0;
      // The outermost value of each field: random data on a tunnel's port (VXLAN, GTP, ...) is dissected further.
      const row = Object.fromEntries(Object.entries(rows[i]!).map(([k, v]) => [k, v.split(',')[0]]));
      const udpChecksum = (frames[i]![40]! << 8) | frames[i]![41]!;
      expect(row, `seed ${seed}, frame ${i}: ${toHex(frames[i]!)}`).toEqual({
        'eth.dst': formatMac(fields.dstMac),
        'eth.src': formatMac(fields.srcMac),
        'eth.type': '0x0800',
        'ip.src': formatIpv4(changes.srcIp ?? fields.srcIp),
        'ip.dst': formatIpv4(changes.dstIp ?? fields.dstIp),
        'ip.len': String(28 + dataLength),
        'ip.id': hex(changes.id ?? fields.id ?? 0),
        'ip.ttl': String(fields.ttl ?? 64),
        'ip.dsfield.dscp': String(fields.dscp ?? 0),
        'ip.dsfield.ecn': String(fields.ecn ?? 0),
        'ip.flags.df': fields.df === true ? '1' : '0',
        'ip.checksum.status': '1',
        'udp.srcport': String(changes.srcPort ?? fields.srcPort),
        'udp.dstport': String(changes.dstPort ?? fields.dstPort),
        'udp.length': String(8 + dataLength),
        'udp.checksum': hex(udpChecksum),
        'udp.checksum.status': '1',
      });
    });
  });
});
