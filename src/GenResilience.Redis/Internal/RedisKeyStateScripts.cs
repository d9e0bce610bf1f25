namespace GenResilience.Redis.Internal;

/// <summary>
/// The Lua scripts that read and change one key's state atomically. Each touches one Redis key (a hash), so they also
/// work on a cluster. Times are Unix milliseconds on the app's clock; every write keeps the hash at least until the
/// latest moment it holds (quarantine, cooldown, budget, key check) plus the idle expiry, and never shortens it.
/// </summary>
/// <remarks>
/// Fields: <c>quarantined_until</c>, <c>cooling_until</c>, <c>rate_limits_in_a_row</c>, <c>last_rate_limit_at</c>,
/// <c>key_checked</c>, <c>key_check_until</c>, <c>learned_rate</c>, <c>budget_tat</c> (the theoretical arrival time of
/// the next request in the key's rate budget, a generic cell rate algorithm).
/// </remarks>
internal static class RedisKeyStateScripts
{
    private const string Keep = """
        local function keep(key, now, idle)
          local f = redis.call('HMGET', key, 'quarantined_until', 'cooling_until', 'budget_tat', 'key_check_until')
          local at = now
          for i = 1, 4 do
            local v = tonumber(f[i])
            if v and v > at then at = v end
          end
          local ttl = math.ceil(at - now + idle)
          if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
        end

        """;

    /// <summary>
    /// Reads the state; claims the key check (ARGV[5] ≥ 0) when nobody checked the key and no claim runs; reserves a place in
    /// the rate budget (ARGV[2] &gt; 0) when the key is neither quarantined nor cooling and the wait is within ARGV[4] (or
    /// ARGV[4] &lt; 0). ARGV: now, rate, burst, max wait, claim for, idle expiry (ms). Returns quarantined until, cooling
    /// until, 429s in a row, last 429 at, checked (0/1), claimed (0/1), budget wait (ms, -1 for none).
    /// </summary>
    public const string Get = Keep + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local idle = tonumber(ARGV[6])
        local f = redis.call('HMGET', key, 'quarantined_until', 'cooling_until', 'rate_limits_in_a_row', 'last_rate_limit_at', 'key_checked', 'key_check_until', 'budget_tat')
        local q = tonumber(f[1]) or 0
        local c = tonumber(f[2]) or 0
        local checked = f[5] == '1'
        local claimed = 0
        local wait = -1
        local changed = false
        local claim_for = tonumber(ARGV[5])
        if claim_for >= 0 and not checked and q <= now and (tonumber(f[6]) or 0) <= now then
          redis.call('HSET', key, 'key_check_until', string.format('%.0f', now + claim_for))
          claimed = 1
          changed = true
        end
        local rate = tonumber(ARGV[2])
        if rate > 0 and q <= now and c <= now then
          local interval = 1000 / rate
          local tat = tonumber(f[7]) or now
          if tat < now then tat = now end
          wait = tat - (tonumber(ARGV[3]) - 1) * interval - now
          if wait < 0 then wait = 0 end
          local max_wait = tonumber(ARGV[4])
          if max_wait < 0 or wait <= max_wait then
            redis.call('HSET', key, 'budget_tat', string.format('%.3f', tat + interval))
            changed = true
          end
        end
        if changed then keep(key, now, idle) end
        return { string.format('%.0f', q), string.format('%.0f', c), f[3] or '0', f[4] or '0', checked and '1' or '0', tostring(claimed), string.format('%.3f', wait) }
        """;

    /// <summary>Quarantines until ARGV[2] (only extends) and clears the key check. ARGV: now, until, idle expiry.</summary>
    public const string Quarantine = Keep + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local q = tonumber(redis.call('HGET', key, 'quarantined_until')) or 0
        if tonumber(ARGV[2]) > q then redis.call('HSET', key, 'quarantined_until', ARGV[2]) end
        redis.call('HDEL', key, 'key_checked', 'key_check_until')
        keep(key, now, tonumber(ARGV[3]))
        return 1
        """;

    /// <summary>
    /// Records a 429: same burst (the attempt started before the last 429) or one more in a row; the cooldown only
    /// extends. ARGV: now, attempt started at, Retry-After (-1 for none), delay per 429, longest cooldown, idle expiry.
    /// Returns cooling until, 429s in a row.
    /// </summary>
    public const string RateLimit = Keep + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local f = redis.call('HMGET', key, 'cooling_until', 'rate_limits_in_a_row', 'last_rate_limit_at')
        local c = tonumber(f[1]) or 0
        local n = tonumber(f[2]) or 0
        local l = tonumber(f[3]) or 0
        local count = n + 1
        if tonumber(ARGV[2]) < l then count = math.max(1, n) end
        local cooldown = tonumber(ARGV[3])
        if cooldown < 0 then cooldown = tonumber(ARGV[4]) * count end
        if cooldown > tonumber(ARGV[5]) then cooldown = tonumber(ARGV[5]) end
        if now + cooldown > c then c = now + cooldown end
        if now > l then l = now end
        redis.call('HSET', key, 'cooling_until', string.format('%.0f', c), 'rate_limits_in_a_row', count, 'last_rate_limit_at', string.format('%.0f', l))
        keep(key, now, tonumber(ARGV[6]))
        return { string.format('%.0f', c), count }
        """;

    /// <summary>Ends the run of 429s, unless the attempt started (ARGV[1]) before the last 429.</summary>
    public const string Success = """
        local f = redis.call('HMGET', KEYS[1], 'rate_limits_in_a_row', 'last_rate_limit_at')
        if (tonumber(f[1]) or 0) ~= 0 and tonumber(ARGV[1]) >= (tonumber(f[2]) or 0) then
          redis.call('HSET', KEYS[1], 'rate_limits_in_a_row', 0)
        end
        return 1
        """;

    /// <summary>Records that the key was checked, unless it is quarantined. ARGV: now, idle expiry.</summary>
    public const string Checked = Keep + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        if (tonumber(redis.call('HGET', key, 'quarantined_until')) or 0) > now then return 0 end
        redis.call('HSET', key, 'key_checked', '1')
        redis.call('HDEL', key, 'key_check_until')
        keep(key, now, tonumber(ARGV[2]))
        return 1
        """;

    /// <summary>Records a learned rate. ARGV: now, rate, idle expiry.</summary>
    public const string LearnedRate = Keep + """
        redis.call('HSET', KEYS[1], 'learned_rate', ARGV[2])
        keep(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[3]))
        return 1
        """;

    /// <summary>Lifts the quarantine.</summary>
    public const string Lift = """
        redis.call('HDEL', KEYS[1], 'quarantined_until')
        return 1
        """;

    /// <summary>
    /// Writes back what an instance recorded while Redis was away: quarantine and cooldown only extend; the 429 streak is
    /// taken when its last 429 is at least as recent. ARGV: now, quarantined until, cooling until, 429s in a row, last 429
    /// at, idle expiry.
    /// </summary>
    public const string Merge = Keep + """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local f = redis.call('HMGET', key, 'quarantined_until', 'cooling_until', 'last_rate_limit_at')
        if tonumber(ARGV[2]) > (tonumber(f[1]) or 0) then
          redis.call('HSET', key, 'quarantined_until', ARGV[2])
          redis.call('HDEL', key, 'key_checked', 'key_check_until')
        end
        if tonumber(ARGV[3]) > (tonumber(f[2]) or 0) then redis.call('HSET', key, 'cooling_until', ARGV[3]) end
        if tonumber(ARGV[5]) >= (tonumber(f[3]) or 0) then
          redis.call('HSET', key, 'rate_limits_in_a_row', ARGV[4], 'last_rate_limit_at', ARGV[5])
        end
        keep(key, now, tonumber(ARGV[6]))
        return 1
        """;
}
