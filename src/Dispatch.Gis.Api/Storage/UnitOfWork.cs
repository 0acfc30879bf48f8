using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>
/// Who a unit of work acts for: the actor named on its events, the audit row to commit with it (mutations only;
/// jobs have none), and what to do once it is committed (a request forgets what it read before).
/// </summary>
internal sealed record WriteOrigin(string Actor, AuditEntry? Audit = null, Action? AfterCommit = null);

/// <summary>The two kinds of work that geofencing keeps apart: moving units and changing zones.</summary>
internal enum GeofenceSide
{
    Positions,
    Zones,
}

/// <summary>
/// The one way anything changes state — a GraphQL mutation, a scheduled job, the CLI: one connection and one
/// transaction; features write their rows and <see cref="Add(NewEvent)"/> their events; <see cref="CommitAsync"/>
/// then takes the event-log lock, inserts every buffered event and the audit row in one round trip, and commits.
/// </summary>
/// <remarks>
/// Lock order, which every writer follows so that no two writers wait on each other in a cycle: the locks that
/// serialise kinds of work first (<see cref="GeofenceGateAsync"/>, <see cref="AdvisoryLockAsync"/>); then rows, each table's rows in
/// id order (<see cref="LockAsync"/>), parents before children (incidents → force requests → deployments → units;
/// zones, then the standing subscriptions that follow them; territories on their own); the event-log lock last, only inside the commit.
/// Rows that events reference by foreign key (territories) are never locked FOR UPDATE — FOR NO KEY UPDATE does
/// not conflict with the KEY SHARE lock an event insert takes on them, so a commit never waits for a writer that
/// waits for the event-log lock.
/// </remarks>
internal sealed class UnitOfWork : IAsyncDisposable
{
    /// <summary>Attempts of a unit of work that keeps meeting deadlocks or serialization failures.</summary>
    public const int MaxAttempts = 4;

    private readonly WriteOrigin _origin;
    private readonly List<NewEvent> _events = [];
    private bool _committed;
    private GeofenceSide? _gate;

    private UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, WriteOrigin origin)
    {
        Connection = connection;
        Transaction = transaction;
        _origin = origin;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public string Actor => _origin.Actor;

    /// <summary>The events added so far, in the order they will get their ids.</summary>
    public IReadOnlyList<NewEvent> Events => _events;

    public static async Task<UnitOfWork> BeginAsync(NpgsqlDataSource db, WriteOrigin origin, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            return new UnitOfWork(connection, await connection.BeginTransactionAsync(ct), origin);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a fresh unit of work and commits it. A deadlock or serialization failure
    /// (which the lock order makes rare, not impossible: foreign-key checks take locks of their own) re-runs the
    /// whole work; after <see cref="MaxAttempts"/> it is a retryable CONFLICT, never an internal error.
    /// </summary>
    public static async Task<T> RunAsync<T>(NpgsqlDataSource db, WriteOrigin origin, Func<UnitOfWork, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var unit = await BeginAsync(db, origin, ct);
                var result = await work(unit);
                await unit.CommitAsync(ct);
                return result;
            }
            catch (PostgresException e) when (IsTransient(e))
            {
                if (attempt == MaxAttempts)
                {
                    throw new ConflictException($"the change met concurrent changes {MaxAttempts} times ({e.SqlState}); send it again", retryable: true);
                }

                // Jitter, so the writers that collided do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    public static Task RunAsync(NpgsqlDataSource db, WriteOrigin origin, Func<UnitOfWork, Task> work, CancellationToken ct) =>
        RunAsync(db, origin, async unit =>
        {
            await work(unit);
            return true;
        }, ct);

    public static bool IsTransient(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Buffers an event; it is appended at commit, with this unit's actor unless it names its own.</summary>
    public void Add(NewEvent e) => _events.Add(e.Actor is null ? e with { Actor = Actor } : e);

    public void Add(IEnumerable<NewEvent> events)
    {
        foreach (var e in events)
        {
            Add(e);
        }
    }

    /// <summary>
    /// Locks the rows with these ids in id order (FOR NO KEY UPDATE: the row may change, its key stays) and
    /// returns the ids that exist. Call it before touching any of them, once per table, parents first.
    /// </summary>
    public async Task<HashSet<Guid>> LockAsync(LockedTable table, IEnumerable<Guid> ids, CancellationToken ct)
    {
        await using var cmd = Command($"SELECT id FROM {TableName(table)} WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.Distinct().Order().ToArray() });
        var found = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(reader.GetGuid(0));
        }

        return found;
    }

    /// <summary>
    /// Passes the geofence gate for this transaction (once; again is free): position writers together, or zone writers
    /// together, never the two at once (schema/328_geofence_gate.sql). Take it before any row lock. One unit of work is
    /// on one side only: holding both would let two such units wait on each other.
    /// </summary>
    public async Task GeofenceGateAsync(GeofenceSide side, CancellationToken ct)
    {
        if (_gate is { } held)
        {
            if (held != side)
            {
                throw new InvalidOperationException($"this unit of work already holds the geofence gate for {held}, not {side}");
            }

            return;
        }

        await using var cmd = Command(side == GeofenceSide.Positions
            ? "LOCK TABLE geofence_gate IN ROW EXCLUSIVE MODE"
            : "LOCK TABLE geofence_gate IN SHARE MODE");
        await cmd.ExecuteNonQueryAsync(ct);
        _gate = side;
    }

    /// <summary>
    /// A transaction-scoped advisory lock that serialises one kind of work against another (shared holders run
    /// together, an exclusive one alone). Take it before any row lock.
    /// </summary>
    public async Task AdvisoryLockAsync(long key, bool shared, CancellationToken ct)
    {
        await using var cmd = Command(shared ? "SELECT pg_advisory_xact_lock_shared($1)" : "SELECT pg_advisory_xact_lock($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string TableName(LockedTable table) => table switch
    {
        LockedTable.Incidents => "incidents",
        LockedTable.ForceRequests => "force_requests",
        LockedTable.Deployments => "deployments",
        LockedTable.ResponseUnits => "response_units",
        LockedTable.Forecasts => "forecasts",
        LockedTable.EmergencyZones => "emergency_zones",
        LockedTable.MonitoringStations => "monitoring_stations",
        LockedTable.Feeds => "feeds",
        LockedTable.RegimeSuggestions => "regime_suggestions",
        LockedTable.PublicWarnings => "public_warnings",
        _ => throw new ArgumentOutOfRangeException(nameof(table)),
    };

    /// <summary>
    /// Appends the buffered events (taking the event-log lock only now, so it is held for the commit alone) and
    /// the audit row, then commits. Returns the events' ids.
    /// </summary>
    public async Task<IReadOnlyList<long>> CommitAsync(CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        if (_events.Count > 0)
        {
            batch.BatchCommands.Add(EventLog.LockCommand());
            batch.BatchCommands.Add(EventLog.InsertCommand(_events));
        }

        if (_origin.Audit is { } audit)
        {
            batch.BatchCommands.Add(AuditLog.InsertCommand(audit, AuditOutcome.Allowed, null));
        }

        var ids = new List<long>(_events.Count);
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            // Result sets in batch order: the lock's single row, then the inserted events' ids.
            for (var resultSet = 0; ; resultSet++)
            {
                while (await reader.ReadAsync(ct))
                {
                    if (resultSet == 1)
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }

                if (!await reader.NextResultAsync(ct))
                {
                    break;
                }
            }
        }

        await Transaction.CommitAsync(ct);
        _committed = true;
        Hosting.DispatchMetrics.Appended(_events.Select(e => e.Kind));
        if (_origin.Audit is { } written)
        {
            written.Written = true;
        }

        _origin.AfterCommit?.Invoke();
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed && _origin.Audit is { } audit)
        {
            // Rolled back: the audit row that rode in the transaction is gone with it.
            audit.Written = false;
        }

        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

/// <summary>Tables whose rows a unit of work locks up front (<see cref="UnitOfWork.LockAsync"/>), in lock order.</summary>
internal enum LockedTable
{
    Incidents,
    ForceRequests,
    Deployments,
    ResponseUnits,

    /// <summary>A forecast before the zones it writes (after the geofence gate, which zone writers pass first).</summary>
    Forecasts,
    EmergencyZones,

    /// <summary>Monitoring: a station before its thresholds; a feed before its runs, state and observations; a suggestion before its territory.</summary>
    MonitoringStations,
    Feeds,
    RegimeSuggestions,

    /// <summary>Public warnings: after the zone a warning follows (a redraw locks the zone, then the warnings that follow it).</summary>
    PublicWarnings,
}
