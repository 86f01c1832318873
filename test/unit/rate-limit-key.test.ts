import { describe, expect, it } from 'vitest'
import { clientKey } from '../../server/plugins/rate-limit-store.ts'

describe('whom a per-address limit counts', () => {
  it('an IPv4 address as it is, also when it arrives IPv4-mapped', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('an IPv6 address by its /64, however it is written, so rotating addresses within it escapes nothing', () => {
    const key = '2001:db8:abcd:12::/64'
    expect(clientKey('2001:db8:abcd:12::1')).toBe(key)
    expect(clientKey('2001:0db8:abcd:0012:ffff:1:2:3')).toBe(key)
    expect(clientKey('2001:db8:abcd:12:a:b:c:d')).toBe(key)
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
    // An IPv4 address embedded at the end takes two groups.
    expect(clientKey('1::2:3:4:5:192.0.2.1')).toBe('1:0:2:3::/64')
    expect(clientKey('2001:db8:abcd:13::1')).not.toBe(key)
  })
})
