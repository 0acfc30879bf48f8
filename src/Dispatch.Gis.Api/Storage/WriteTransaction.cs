using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using GraphQL;
using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>
/// The one way a mutation writes: a connection and a transaction, and a commit that first appends the call's
/// audit row, so the change, its events and its audit entry land together or not at all.
/// </summary>
internal sealed class WriteTransaction : IAsyncDisposable
{
    private readonly AuditEntry? _audit;
    private readonly RequestLoaders? _loaders;
    private bool _committed;

    private WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry? audit, RequestLoaders? loaders)
    {
        Connection = connection;
        Transaction = transaction;
        _audit = audit;
        _loaders = loaders;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<WriteTransaction> BeginAsync(NpgsqlDataSource db, IResolveFieldContext context, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            return new WriteTransaction(connection, transaction, (context.UserContext as RequestContext)?.CurrentAudit,
                context.RequestServices?.GetService(typeof(RequestLoaders)) as RequestLoaders);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_audit is not null)
        {
            await AuditLog.AppendAsync(Connection, Transaction, _audit, AuditOutcome.Allowed, null, ct);
        }

        await Transaction.CommitAsync(ct);
        _committed = true;
        // The mutation's own result, and later mutations of the request, must read the committed state.
        _loaders?.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_audit is not null && !_committed)
        {
            // Rolled back: the audit row that rode in the transaction is gone with it.
            _audit.Written = false;
        }

        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
