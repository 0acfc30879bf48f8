using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

[Trait("Category", "Models")]
public sealed class FloodByLevelTests
{
    // Unordered on purpose: the selection must not depend on the order the post's zones were stored in.
    private static readonly InundationLevel[] Levels = [Zone(13.0), Zone(9.5), Zone(11.0)];

    [Theory]
    [InlineData(9.5, 9.5)]
    [InlineData(10.99, 9.5)]
    [InlineData(11.0, 11.0)]
    [InlineData(13.49, 13.0)]
    [InlineData(20, 13.0)]
    public void The_highest_level_not_above_the_observed_one_is_chosen(double observed, double chosen) =>
        Assert.Equal(chosen, FloodByLevel.Select(Levels, observed)!.LevelMetres);

    [Fact]
    public void Below_the_lowest_level_there_is_no_zone() => Assert.Null(FloodByLevel.Select(Levels, 9.49));

    [Fact]
    public void No_levels_means_no_zone() => Assert.Null(FloodByLevel.Select([], 12));

    [Fact]
    public void Two_zones_for_one_level_or_a_nonsense_level_are_bad_input()
    {
        Assert.Equal("inundationLevels", Assert.Throws<BadUserInputException>(() => FloodByLevel.Select([Zone(10), Zone(10)], 11)).Argument);
        Assert.Equal("levelMetres", Assert.Throws<BadUserInputException>(() => FloodByLevel.Select(Levels, double.NaN)).Argument);
    }

    private static InundationLevel Zone(double level) =>
        new(level, GeoJson.Factory.ToGeometry(new Envelope(69.1, 69.1 + (0.001 * level), 54.8, 54.8 + (0.001 * level))));
}
