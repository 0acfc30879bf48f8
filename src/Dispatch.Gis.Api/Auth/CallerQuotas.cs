using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Dispatch.Gis.GraphQL;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.Auth;

/// <summary>Per-identity limits on this instance: a token bucket for mutations and a count of open subscriptions.</summary>
internal sealed class CallerQuotas : IDisposable
{
    private readonly AuthOptions _options;
    private readonly PartitionedRateLimiter<string> _mutations;
    private readonly ConcurrentDictionary<string, int> _subscriptions = new(StringComparer.Ordinal);

    public CallerQuotas(IOptions<AuthOptions> options)
    {
        _options = options.Value;
        var perMinute = Math.Max(1, _options.MutationsPerMinute);
        _mutations = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public void TakeMutation(Caller caller)
    {
        using var lease = _mutations.AttemptAcquire(caller.QuotaKey);
        if (!lease.IsAcquired)
        {
            throw new DispatchException(ErrorCodes.RateLimited, $"more than {_options.MutationsPerMinute} mutations a minute from {caller.Name}; slow down");
        }
    }

    /// <summary>Counts a subscription against the caller; dispose the result when the subscription ends.</summary>
    public IDisposable TakeSubscription(Caller caller)
    {
        var key = caller.QuotaKey;
        var count = _subscriptions.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (count > _options.MaxSubscriptionsPerIdentity)
        {
            Release(key);
            throw new DispatchException(ErrorCodes.RateLimited, $"{caller.Name} already holds {_options.MaxSubscriptionsPerIdentity} subscriptions");
        }

        return new Lease(() => Release(key));
    }

    private void Release(string key) => _subscriptions.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));

    public void Dispose() => _mutations.Dispose();

    private sealed class Lease(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }
}
