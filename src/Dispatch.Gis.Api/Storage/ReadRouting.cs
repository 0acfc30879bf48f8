using System.Collections.Concurrent;
using Dispatch.Gis.Auth;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>Where the map's heavy reads may go (issue 14, scale-out): a streaming replica, within a bound of staleness.</summary>
internal sealed class ReadRoutingOptions
{
    public const string Section = "Dispatch:Database:Read";

    /// <summary>
    /// How far behind the primary the replica may be and still serve reads: it must have replayed everything the primary
    /// had written this long ago. A map refreshed every few seconds tolerates this; past it every read goes to the primary.
    /// </summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A caller who ran a mutation reads from the primary for this long after it, so it sees its own write.</summary>
    public TimeSpan ReadYourWritesWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the replica's replay position is compared with the primary's.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Chooses the data source of a lag-tolerant read (unit and zone lists, nearest units, tiles, OGC features): the
/// replica named by <c>ConnectionStrings:DispatchRead</c> when it is fresh enough and the caller has not written
/// lately, else the primary. Mutations, their read-backs, subscriptions, the event log, jobs and everything else
/// always use the primary; so does every read when no replica is configured. Staleness is judged by WAL positions,
/// not clocks: every check samples the primary's current LSN, and the replica is fresh when its replayed LSN has
/// passed a sample taken at most <see cref="ReadRoutingOptions.MaxLag"/> ago. Recent writers are remembered per
/// instance: behind a load balancer, route a token to one instance (nginx <c>hash $http_authorization consistent</c>)
/// for read-your-writes across requests.
/// </summary>
internal sealed class ReadRouting(NpgsqlDataSource primary, ReadReplica replica, IOptions<ReadRoutingOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, long> _lastWrite = new(StringComparer.Ordinal);

    public NpgsqlDataSource Primary => primary;

    public NpgsqlDataSource For(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (replica.Source is not { } source || !replica.IsFresh)
        {
            return primary;
        }

        return caller.Subject is { } subject && _lastWrite.TryGetValue(subject, out var at)
            && clock.GetElapsedTime(at) < options.Value.ReadYourWritesWindow
            ? primary
            : source;
    }

    /// <summary>Called once a mutation has run (whatever its outcome: a partial write is still a write).</summary>
    public void Wrote(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (replica.Source is null || caller.Subject is not { } subject)
        {
            return;
        }

        var now = clock.GetTimestamp();
        _lastWrite[subject] = now;
        if (_lastWrite.Count > 10_000)
        {
            // Entries older than the window decide nothing; dropping them keeps the map to the callers of the last seconds.
            foreach (var (key, at) in _lastWrite)
            {
                if (clock.GetElapsedTime(at) >= options.Value.ReadYourWritesWindow)
                {
                    _lastWrite.TryRemove(key, out _);
                }
            }
        }
    }
}

/// <summary>The optional replica and what the last check found; <see cref="ReplicaLagMonitor"/> keeps it current.</summary>
internal sealed class ReadReplica(NpgsqlDataSource? source) : IAsyncDisposable
{
    private volatile bool _fresh;

    public NpgsqlDataSource? Source => source;

    public bool IsFresh => _fresh;

    /// <summary>Bytes of WAL the replica had still to replay at the last check (null: no replica, or it did not answer).</summary>
    public long? LagBytes { get; private set; }

    internal void Observe(bool fresh, long? lagBytes)
    {
        LagBytes = lagBytes;
        _fresh = fresh;
    }

    public ValueTask DisposeAsync() => source?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Samples the primary's WAL position and the replica's replay position, and marks the replica fresh or not.</summary>
internal sealed class ReplicaLagMonitor(NpgsqlDataSource primary, ReadReplica replica, IOptions<ReadRoutingOptions> options, TimeProvider clock,
    ILogger<ReplicaLagMonitor> logger) : BackgroundService
{
    private readonly Queue<(long At, ulong Lsn)> _primarySamples = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (replica.Source is null)
        {
            return;
        }

        var wasFresh = false;
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        do
        {
            bool fresh;
            try
            {
                fresh = await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // Either side away: reads go to the primary, which answers for itself (503 while it is away).
                replica.Observe(false, null);
                fresh = false;
                if (wasFresh)
                {
                    logger.LogWarning("read replica unusable, reads go to the primary: {Reason}", ex.Message);
                }
            }

            if (fresh != wasFresh)
            {
                logger.LogInformation("read replica {State} (replay lag {LagBytes} bytes)", fresh ? "serves reads" : "behind: reads go to the primary",
                    replica.LagBytes);
                wasFresh = fresh;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<bool> CheckAsync(CancellationToken ct)
    {
        var primaryLsn = await LsnAsync(primary, "SELECT pg_current_wal_lsn()::text", ct);
        var now = clock.GetTimestamp();
        _primarySamples.Enqueue((now, primaryLsn));
        // A replica that is not in recovery is a primary (promoted, or misconfigured): its data is not this primary's.
        var replayed = await LsnAsync(replica.Source!, "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END", ct);
        // The oldest sample still inside the bound decides: the replica must have replayed what the primary had then.
        while (_primarySamples.Count > 1 && clock.GetElapsedTime(_primarySamples.Peek().At) > options.Value.MaxLag)
        {
            _primarySamples.Dequeue();
        }

        var (at, needed) = _primarySamples.Peek();
        var fresh = replayed >= needed && clock.GetElapsedTime(at) <= options.Value.MaxLag;
        replica.Observe(fresh, primaryLsn >= replayed ? (long)(primaryLsn - replayed) : 0);
        return fresh;
    }

    private static async Task<ulong> LsnAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        return await cmd.ExecuteScalarAsync(ct) is string text ? ParseLsn(text) : 0;
    }

    /// <summary>An LSN as PostgreSQL prints it, <c>16/B374D848</c>: the high and low 32 bits in hex.</summary>
    internal static ulong ParseLsn(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return (ulong.Parse(text.AsSpan(0, slash), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) << 32)
            | ulong.Parse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }
}
