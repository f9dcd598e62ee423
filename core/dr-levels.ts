import { isRealTime, type ReplicationMode } from './dr.ts';

/**
 * The GB/T 20988 disaster-recovery capability levels as data: the names and the illustrative
 * RTO/RPO texts the standard gives (../shared/DOMAIN.md), and the numeric bounds the console
 * reads them as to compute a protection's achieved level. Operators correct rows in the console
 * (the store's `dr_levels` table); these are only the defaults seeded into an empty table.
 */
export type DrLevel = {
  level: number;
  nameEn: string;
  nameZh: string;
  rtoText: string;
  rpoText: string;
  /** A recovery at most this long meets the level. */
  rtoMaxSeconds: number;
  /** At most this much data lost meets the level. */
  rpoMaxSeconds: number;
  /** The level needs real-time replication (synchronous or asynchronous), not restored backups. */
  needsRealTime: boolean;
};

const minute = 60;
const hour = 60 * minute;
const day = 24 * hour;

/*
 * The console's reading of the table, not the standard's words: the standard's ranges overlap
 * (level 4 "hours – 2 days" reaches past level 3's "≥ 12 h") and mostly give lower edges, so each
 * level's bound is chosen so that a higher level never asks less than the one below it:
 * RTO 7 d, 2 d, 24 h, 12 h, 2 h, 30 min; RPO 7 d, 7 d, 1 d, 1 d, 30 min, 0; real-time
 * replication from level 5 ("real-time transfer") on. Operators may correct every figure.
 */
export const defaultDrLevels: readonly DrLevel[] = [
  {
    level: 1,
    nameEn: 'Basic support',
    nameZh: '基本支持',
    rtoText: '≥ 2 days',
    rpoText: '1–7 days',
    rtoMaxSeconds: 7 * day,
    rpoMaxSeconds: 7 * day,
    needsRealTime: false,
  },
  {
    level: 2,
    nameEn: 'Standby-site support',
    nameZh: '备用场地支持',
    rtoText: '≥ 24 h',
    rpoText: '1–7 days',
    rtoMaxSeconds: 2 * day,
    rpoMaxSeconds: 7 * day,
    needsRealTime: false,
  },
  {
    level: 3,
    nameEn: 'Electronic transfer, partial equipment',
    nameZh: '电子传输和部分设备支持',
    rtoText: '≥ 12 h',
    rpoText: 'hours – 1 day',
    rtoMaxSeconds: day,
    rpoMaxSeconds: day,
    needsRealTime: false,
  },
  {
    level: 4,
    nameEn: 'Electronic transfer, complete equipment',
    nameZh: '电子传输及完整设备支持',
    rtoText: 'hours – 2 days',
    rpoText: 'hours – 1 day',
    rtoMaxSeconds: 12 * hour,
    rpoMaxSeconds: day,
    needsRealTime: false,
  },
  {
    level: 5,
    nameEn: 'Real-time transfer, complete equipment',
    nameZh: '实时数据传输及完整设备支持',
    rtoText: 'minutes – 2 days',
    rpoText: '0 – 30 min',
    rtoMaxSeconds: 2 * hour,
    rpoMaxSeconds: 30 * minute,
    needsRealTime: true,
  },
  {
    level: 6,
    nameEn: 'Zero data loss, remote cluster',
    nameZh: '数据零丢失和远程集群支持',
    rtoText: 'minutes',
    rpoText: '0',
    rtoMaxSeconds: 30 * minute,
    rpoMaxSeconds: 0,
    needsRealTime: true,
  },
];

/** What is known about one protection: its mode, the last passed drill's RTO, the worse RPO known. */
export type ProtectionEvidence = {
  mode: ReplicationMode;
  /** Measured RTO of the last passed drill; null without one. */
  measuredRtoSeconds: number | null;
  /** The worse of the last passed drill's measured RPO and the observed lag; null when neither is known. */
  rpoSeconds: number | null;
};

/**
 * The highest level of `table` whose bounds the evidence meets; 0 when it is known and meets no
 * level; null when not enough is known (no passed drill, or no RPO figure at all).
 */
export function achievedLevel(table: readonly DrLevel[], evidence: ProtectionEvidence): number | null {
  const { mode, measuredRtoSeconds: rto, rpoSeconds: rpo } = evidence;
  if (rto === null || rpo === null) return null;
  const met = table.filter(
    (l) => rto <= l.rtoMaxSeconds && rpo <= l.rpoMaxSeconds && (!l.needsRealTime || isRealTime(mode)),
  );
  return met.reduce((best, l) => Math.max(best, l.level), 0);
}

/** The RPO a protection can claim: the worse of the drill's measured RPO and the observed lag. */
export function worseRpo(measuredRpoSeconds: number | null, lagSeconds: number | null): number | null {
  if (measuredRpoSeconds === null) return lagSeconds;
  if (lagSeconds === null) return measuredRpoSeconds;
  return Math.max(measuredRpoSeconds, lagSeconds);
}
