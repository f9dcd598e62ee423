import { crc32 } from 'node:zlib';

/**
 * How one spool record sits in a segment file:
 *
 *   magic (4) | payload length (u32 BE) | result count (u32 BE) | CRC32 (u32 BE) | payload (JSON)
 *
 * The CRC covers the length, the count and the payload, so a flipped bit anywhere but the magic
 * is caught. The magic starts with 0xFF, a byte that never occurs in UTF-8: it cannot appear
 * inside a JSON payload, so after damage the reader resynchronises on the next magic without
 * mistaking the middle of a record for the start of one. The result count sits in the header so
 * the spool can count dropped results without parsing the payloads it drops.
 */

export const frameMagic = Buffer.from([0xff, 0x47, 0x53, 0x50]); // 0xFF "GSP"
export const frameHeaderBytes = 16;
/** Far above any batch the console accepts (1 MiB); a larger length is damage, not data. */
export const maxPayloadBytes = 16 * 1024 * 1024;

export function encodeFrame(payload: Buffer, results: number): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderBytes + payload.length);
  frameMagic.copy(frame, 0);
  frame.writeUInt32BE(payload.length, 4);
  frame.writeUInt32BE(results, 8);
  payload.copy(frame, frameHeaderBytes);
  frame.writeUInt32BE(frameChecksum(frame, payload.length), 12);
  return frame;
}

function frameChecksum(buf: Buffer, payloadLength: number, at = 0): number {
  const lengthAndCount = buf.subarray(at + 4, at + 12);
  const payload = buf.subarray(at + frameHeaderBytes, at + frameHeaderBytes + payloadLength);
  return crc32(payload, crc32(lengthAndCount));
}

export type FrameCheck =
  | { ok: true; size: number; results: number; payload: Buffer }
  | { ok: false; reason: 'bad magic' | 'truncated' | 'implausible length' | 'bad checksum' };

/** Checks the frame that should start at `at`; never throws, whatever the bytes. */
export function checkFrame(buf: Buffer, at: number): FrameCheck {
  if (buf.length - at < frameMagic.length) return { ok: false, reason: 'truncated' };
  if (buf.compare(frameMagic, 0, frameMagic.length, at, at + frameMagic.length) !== 0) {
    return { ok: false, reason: 'bad magic' };
  }
  if (buf.length - at < frameHeaderBytes) return { ok: false, reason: 'truncated' };
  const length = buf.readUInt32BE(at + 4);
  if (length > maxPayloadBytes) return { ok: false, reason: 'implausible length' };
  if (buf.length - at < frameHeaderBytes + length) return { ok: false, reason: 'truncated' };
  if (buf.readUInt32BE(at + 12) !== frameChecksum(buf, length, at)) return { ok: false, reason: 'bad checksum' };
  return {
    ok: true,
    size: frameHeaderBytes + length,
    results: buf.readUInt32BE(at + 8),
    payload: buf.subarray(at + frameHeaderBytes, at + frameHeaderBytes + length),
  };
}

export type ScannedFrame = { offset: number; size: number; results: number };
export type DamagedRegion = { offset: number; length: number; reason: string };

/**
 * Walks a segment from `from`: every valid frame in order, and every damaged stretch between
 * them (a bad frame plus whatever follows up to the next magic), so one bad record costs only
 * itself. `validEnd` is where the last valid frame ends: bytes after it are a torn tail.
 */
export function scanFrames(
  buf: Buffer,
  from: number,
): { frames: ScannedFrame[]; damaged: DamagedRegion[]; validEnd: number } {
  const frames: ScannedFrame[] = [];
  const damaged: DamagedRegion[] = [];
  let at = from;
  let validEnd = from;
  while (at < buf.length) {
    const check = checkFrame(buf, at);
    if (check.ok) {
      frames.push({ offset: at, size: check.size, results: check.results });
      at += check.size;
      validEnd = at;
      continue;
    }
    const next = buf.indexOf(frameMagic, at + 1);
    const end = next === -1 ? buf.length : next;
    damaged.push({ offset: at, length: end - at, reason: check.reason });
    at = end;
  }
  return { frames, damaged, validEnd };
}
