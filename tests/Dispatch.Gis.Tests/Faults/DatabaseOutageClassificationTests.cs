using System.Net.Sockets;
using Dispatch.Gis.Storage;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>What counts as the database being away (503) and what stays the caller's or a bug.</summary>
public sealed class DatabaseOutageClassificationTests
{
    [Theory]
    [InlineData("57P01")] // admin shutdown
    [InlineData("57P02")] // crash shutdown
    [InlineData("57P03")] // cannot connect now
    [InlineData("08006")] // connection failure
    [InlineData("53300")] // too many connections
    public void Server_going_away_is_an_outage(string sqlState) =>
        Assert.True(DatabaseOutage.Is(new PostgresException("gone", "FATAL", "FATAL", sqlState)));

    [Theory]
    [InlineData("40P01")] // deadlock: the unit of writing retries it
    [InlineData("40001")] // serialisation failure: likewise
    [InlineData("23505")] // unique violation
    [InlineData("42501")] // insufficient privilege: a bug of the deployment, INTERNAL
    public void An_answer_from_the_database_is_not_an_outage(string sqlState) =>
        Assert.False(DatabaseOutage.Is(new PostgresException("no", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void Refused_reset_and_exhausted_connections_are_outages_wherever_they_are_wrapped()
    {
        Assert.True(DatabaseOutage.Is(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseOutage.Is(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
        Assert.True(DatabaseOutage.Is(new InvalidOperationException("outer", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()))));
    }

    [Fact]
    public void Other_faults_are_not_outages()
    {
        Assert.False(DatabaseOutage.Is(new InvalidOperationException("a bug")));
        Assert.False(DatabaseOutage.Is(new NpgsqlException("bad parameter")));
        Assert.False(DatabaseOutage.Is(null));
    }
}
