using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>
/// The public contract is the committed Snapshots/schema.graphql. A change to the API changes this file in the same
/// commit, so review sees it. To accept a change on purpose: UPDATE_SNAPSHOTS=1 ./test.sh, then commit the file.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class SchemaSnapshotTests(ApiFixture api)
{
    [Fact]
    public async Task The_served_SDL_equals_the_committed_snapshot()
    {
        var served = await api.GraphQL.Http.GetStringAsync("/graphql/schema.graphql");
        var path = PostgisServer.FindRepoFile(Path.Combine("tests", "Dispatch.Gis.Tests", "Snapshots", "schema.graphql"))
            ?? Path.Combine(Path.GetDirectoryName(PostgisServer.FindRepoFile("Dispatch.Gis.sln")!)!, "tests", "Dispatch.Gis.Tests", "Snapshots", "schema.graphql");

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path), "Snapshots/schema.graphql is missing: run UPDATE_SNAPSHOTS=1 ./test.sh and commit it");
        Assert.Equal(await File.ReadAllTextAsync(path), served);
        Assert.Contains("scalar Geometry", served, StringComparison.Ordinal);
    }
}
