using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>
/// Tells "the database is away" from a bug. An outage is the caller's to retry (503, SERVICE_UNAVAILABLE) and the
/// operator's to notice (one Warning line); only what is left is INTERNAL. Deadlocks and serialisation failures are
/// not outages: the database answered, and the unit of writing retries those itself.
/// </summary>
internal static class DatabaseOutage
{
    /// <summary>Seconds a refused caller is told to wait: about what the listener and the pool need to reconnect.</summary>
    public const int RetryAfterSeconds = 2;

    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // 08: connection exceptions; 57P01–03: admin shutdown, crash shutdown, cannot connect now (starting up);
                // 53300: too many connections, which clears as other clients disconnect.
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                // Connection refused or reset, pool exhausted or command timed out, a broken stream: Npgsql wraps the socket,
                // timeout or I/O exception. A bare IOException is not taken: it may be a file, or the client going away.
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }
}
