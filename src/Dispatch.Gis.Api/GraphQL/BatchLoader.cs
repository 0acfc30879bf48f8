using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DataLoader;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// A DataLoader: keys asked for while GraphQL.NET resolves one level of the tree are fetched together
/// when the executor first awaits one of them, and each key is fetched at most once per request.
/// (The GraphQL.DataLoader package is not available from our package source; the executor only
/// needs <see cref="IDataLoaderResult{T}"/>.)
/// </summary>
internal sealed class BatchLoader<TKey, T>(Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, T>>> fetch, T missing)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Task<T>> _results = [];
    private List<(TKey Key, TaskCompletionSource<T> Result)> _queue = [];

    public IDataLoaderResult<T> Load(TKey key)
    {
        lock (_gate)
        {
            if (!_results.TryGetValue(key, out var task))
            {
                var source = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                _queue.Add((key, source));
                task = source.Task;
                _results[key] = task;
            }

            return new Pending(this, task);
        }
    }

    private async Task DispatchAsync(CancellationToken ct)
    {
        List<(TKey Key, TaskCompletionSource<T> Result)> batch;
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                return;
            }

            batch = _queue;
            _queue = [];
        }

        try
        {
            var found = await fetch(batch.Select(b => b.Key).ToList(), ct);
            foreach (var (key, result) in batch)
            {
                result.TrySetResult(found.TryGetValue(key, out var value) ? value : missing);
            }
        }
        catch (Exception ex)
        {
            foreach (var (_, result) in batch)
            {
                result.TrySetException(ex);
            }
        }
    }

    private sealed class Pending(BatchLoader<TKey, T> loader, Task<T> task) : IDataLoaderResult<T>
    {
        public async Task<T> GetResultAsync(CancellationToken cancellationToken = default)
        {
            if (!task.IsCompleted)
            {
                await loader.DispatchAsync(cancellationToken);
            }

            return await task;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken);
    }
}

/// <summary>The loaders of one request (scoped), so cached rows never leak between requests or users.</summary>
internal sealed class RequestLoaders(Microsoft.Extensions.Options.IOptions<GraphQLLimits> limits)
{
    private readonly ConcurrentDictionary<string, object> _loaders = new();
    private int _roundTrips;
    private long _responseBytes;

    public BatchLoader<TKey, T> Get<TKey, T>(string name, Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, T>>> fetch, T missing)
        where TKey : notnull =>
        (BatchLoader<TKey, T>)_loaders.GetOrAdd(name, _ => new BatchLoader<TKey, T>((keys, ct) =>
        {
            SpendRoundTrip();
            return fetch(keys, ct);
        }, missing));

    /// <summary>
    /// Counts one trip to the database for this request (a root field, a batch of a relation), refusing the ones past
    /// <see cref="GraphQLLimits.MaxDatabaseRoundTrips"/>: a document of a thousand aliases gets the first answers and
    /// QUERY_TOO_COMPLEX for the rest, instead of a thousand queries.
    /// </summary>
    public void SpendRoundTrip()
    {
        var max = limits.Value.MaxDatabaseRoundTrips;
        if (Interlocked.Increment(ref _roundTrips) > max)
        {
            throw new DispatchException(ErrorCodes.QueryTooComplex, $"this request needs more than {max} database round trips (Dispatch:GraphQL:MaxDatabaseRoundTrips); split it");
        }
    }

    /// <summary>
    /// Counts bytes this request's answer will hold, refusing past <see cref="GraphQLLimits.MaxResponseBytes"/>. Shapes
    /// are priced from their stored vertex counts in the query that reads them (<see cref="ResponseBudget.VertexAllowance"/>) and other large values as
    /// they resolve, so an oversized answer is refused before it is built, not after.
    /// </summary>
    public void SpendResponseBytes(long bytes, bool mutation)
    {
        var max = limits.Value.MaxResponseBytes;
        if (Interlocked.Add(ref _responseBytes, bytes) > max)
        {
            throw new DispatchException(ErrorCodes.QueryTooComplex, ResponseSize.TooLargeMessage(mutation, max));
        }
    }

    public long RemainingResponseBytes => limits.Value.MaxResponseBytes - Interlocked.Read(ref _responseBytes);

    /// <summary>Forgets everything loaded so far: after a write, what this request read before is stale.</summary>
    public void Clear() => _loaders.Clear();

    public static RequestLoaders Of(IResolveFieldContext context) =>
        Find(context) ?? throw new InvalidOperationException("RequestLoaders is not registered for this request");

    /// <summary>
    /// The request's loaders, read from its <see cref="RequestContext"/> where the executor put them: every field of a
    /// list asks (the response budget, batched relations), and resolving a scoped service takes the scope's lock,
    /// which 280 rows' resolvers running in parallel were found queueing on.
    /// </summary>
    public static RequestLoaders? Find(IResolveFieldContext context) =>
        (context.UserContext as RequestContext)?.Loaders ?? context.RequestServices?.GetService(typeof(RequestLoaders)) as RequestLoaders;

    /// <summary>One row by key, batched with every other key asked for at this level; null when there is none.</summary>
    public static IDataLoaderResult<T?> One<TKey, T>(IResolveFieldContext context, string name, TKey key,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, T>>> fetch)
        where TKey : notnull where T : class =>
        Of(context).Get<TKey, T?>(name, async (keys, ct) => (await fetch(keys, ct)).ToDictionary(p => p.Key, p => (T?)p.Value), null).Load(key);

    /// <summary>The rows related to a key, batched like <see cref="One"/>; empty when there are none.</summary>
    public static IDataLoaderResult<IReadOnlyList<T>> Many<TKey, T>(IResolveFieldContext context, string name, TKey key,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IDictionary<TKey, IReadOnlyList<T>>>> fetch)
        where TKey : notnull =>
        Of(context).Get(name, fetch, (IReadOnlyList<T>)[]).Load(key);
}

internal static class DataLoaderResultExtensions
{
    /// <summary>
    /// Transforms a pending result without awaiting it in the resolver: awaiting there would dispatch the batch
    /// with only this key in it, one query per row.
    /// </summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(this IDataLoaderResult<T> pending, Func<T, TResult> transform) =>
        new Transformed<T, TResult>(pending, transform);

    private sealed class Transformed<T, TResult>(IDataLoaderResult<T> inner, Func<T, TResult> transform) : IDataLoaderResult<TResult>
    {
        public async Task<TResult> GetResultAsync(CancellationToken cancellationToken = default) =>
            transform(await inner.GetResultAsync(cancellationToken));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken);
    }
}
