using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Monitoring.Adapters;
using Dispatch.Gis.Situation;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>Issue 10: each format's adapter on realistic payloads, without a database — what it reads, what it quarantines and where, what fails the run.</summary>
public sealed class AdapterTests
{
    private static string Filled(string fixture, params (string Key, string Value)[] values)
    {
        var text = FeedSimulatorServer.Fill(MonitoringHarness.Fixture(fixture), DateTimeOffset.UtcNow, 1);
        return values.Aggregate(text, (t, v) => t.Replace("{{" + v.Key + "}}", v.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_with_russian_headers_semicolons_decimal_commas_and_local_times_reads_every_row()
    {
        var mapping = new FeedMapping(Station: "пост", Time: "дата", Parameter: "параметр", Value: "значение", Unit: "ед", Delimiter: ";", TimeZone: "+05:00");

        var payload = CsvAdapter.Parse(Filled("hydro-ru.csv", ("S1", "P1"), ("S2", "P2")), mapping);

        Assert.Equal(5, payload.Received);
        Assert.Empty(payload.Rejections);
        Assert.Equal([412, 415.5, 4.18, 1250, 1262.5], payload.Observations.Select(o => o.Value));
        Assert.Equal(["см", "см", "м", "м3/с", "м3/с"], payload.Observations.Select(o => o.Unit));
        // Local Kazakhstan time (UTC+5) without an offset: an hour ago locally is an hour ago in UTC too.
        Assert.InRange((DateTime.UtcNow - payload.Observations[1].ObservedAt).TotalMinutes, 59, 61);
        Assert.Equal([2, 3, 4, 5, 6], payload.Observations.Select(o => o.Line!.Value));
    }

    [Theory]
    [InlineData("+05:00", 5)]
    [InlineData("-03:30", -3.5)]
    [InlineData("Z", 0)]
    [InlineData(null, 0)]
    public void A_mapping_time_zone_is_the_offset_of_local_times(string? zone, double hours) =>
        Assert.Equal(TimeSpan.FromHours(hours), new FeedMapping(TimeZone: zone).Offset);

    [Fact]
    public void Csv_rows_that_cannot_be_read_are_quarantined_with_their_line_and_the_rest_kept()
    {
        var payload = CsvAdapter.Parse(Filled("bad-rows.csv", ("S1", "P1")), FeedMapping.Empty);

        Assert.Equal(13, payload.Received);
        Assert.Equal([3, 9, 10], payload.Rejections.Select(r => r.Line!.Value));
        Assert.Contains("expected 5 fields", payload.Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Contains("is not a date and time", payload.Rejections[1].Reason, StringComparison.Ordinal);
        Assert.Contains("is not a number", payload.Rejections[2].Reason, StringComparison.Ordinal);
        Assert.Equal(10, payload.Observations.Count);
    }

    [Fact]
    public void A_quoted_csv_field_may_hold_the_delimiter_a_quote_and_a_line_break()
    {
        var rows = CsvAdapter.Records("a,b\n\"x, \"\"y\"\"\nz\",2\nq,3\n", ',').ToList();

        Assert.Equal([1, 2, 4], rows.Select(r => r.Line));
        Assert.Equal("x, \"y\"\nz", rows[1].Fields[0]);
    }

    [Theory]
    [InlineData("<html><body>Service Unavailable</body></html>")]
    [InlineData("\0\u0001\u0002garbage")]
    [InlineData("")]
    public void A_payload_that_is_not_this_csv_fails_the_run(string text) =>
        Assert.Throws<FeedPayloadException>(() => CsvAdapter.Parse(text, FeedMapping.Empty));

    [Fact]
    public void Json_records_are_read_with_pointers_and_bad_ones_quarantined_with_theirs()
    {
        var mapping = new FeedMapping(Records: "/data", Station: "/post", Time: "/measured", Value: "/gamma/value", Unit: "/gamma/unit", FixedParameter: "GAMMA_DOSE_RATE");

        var payload = JsonAdapter.Parse(Filled("gamma.json", ("S1", "P1"), ("S2", "P2")), mapping);

        Assert.Equal(6, payload.Received);
        Assert.Equal([0.11, 0.12, 105], payload.Observations.Select(o => o.Value));
        Assert.Equal(["/data/2/gamma/value", "/data/3/measured", "/data/4"], payload.Rejections.Select(r => r.Pointer));
        Assert.All(payload.Observations, o => Assert.Equal("GAMMA_DOSE_RATE", o.Parameter));
    }

    [Fact]
    public void Text_a_database_cannot_store_is_cleaned_not_fatal()
    {
        var payload = JsonAdapter.Parse("[{\"station\": \"X\\u0000Y\", \"time\": \"2026-01-01T00:00:00Z\", \"parameter\": \"NO2\", \"value\": 1, \"unit\": \"mg/m3\"}]",
            FeedMapping.Empty);

        Assert.Equal("X\uFFFDY", Assert.Single(payload.Observations).Station);
        Assert.Equal("a\uFFFDb", FeedAdapters.Excerpt("a\0b"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"data\": 5}")]
    public void A_json_payload_without_its_records_fails_the_run(string text) =>
        Assert.Throws<FeedPayloadException>(() => JsonAdapter.Parse(text, new FeedMapping(Records: "/data")));

    [Fact]
    public void Usgs_geojson_gives_ids_times_in_ms_and_lon_lat_depth_and_quarantines_features_without_a_point()
    {
        var payload = QuakeAdapter.Parse(Filled("usgs.geojson", ("Q1", "us7000a"), ("Q2", "us7000b"), ("Q3", "us7000c"), ("Q4", "us7000d"), ("LON", "82.9"), ("LAT", "50.1")));

        Assert.Equal(4, payload.Received);
        Assert.Equal(["us7000a", "us7000b", "us7000c"], payload.Quakes.Select(q => q.ExternalId));
        var first = payload.Quakes[0];
        Assert.Equal((82.9, 50.1, 10.0, 3.1, "reviewed"), (first.X, first.Y, first.DepthKm!.Value, first.Magnitude!.Value, first.Status));
        Assert.InRange((DateTime.UtcNow - first.OccurredAt).TotalMinutes, 59, 61);
        Assert.True(first.UpdatedAt > first.OccurredAt);
        Assert.Null(payload.Quakes[2].Magnitude);
        Assert.Equal("/features/3/geometry/coordinates", Assert.Single(payload.Rejections).Pointer);
    }

    [Fact]
    public void Emsc_fdsn_geojson_with_iso_times_and_unid_is_read_too()
    {
        var payload = QuakeAdapter.Parse(Filled("emsc.geojson", ("Q5", "20261201_0000123"), ("LON", "80.5"), ("LAT", "49.9")));

        var quake = Assert.Single(payload.Quakes);
        Assert.Equal(("20261201_0000123", 3.4, "EASTERN KAZAKHSTAN", "ml"), (quake.ExternalId, quake.Magnitude!.Value, quake.Place, quake.MagType));
        Assert.InRange((DateTime.UtcNow - quake.OccurredAt).TotalMinutes, 19, 21);
    }

    [Fact]
    public void A_cap_feed_gives_one_warning_per_info_block_and_quarantines_alerts_that_break_the_schema_or_the_area_rules()
    {
        var payload = CapAdapter.Parse(Filled("cap-atom.xml", ("ID1", "T.1"), ("ID2", "T.2"), ("ID3", "T.3"), ("SEVERITY", "Severe"),
            ("EXPIRES", DateTimeOffset.UtcNow.AddHours(3).ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)),
            ("POLYGON", "43.0,71.0 43.0,71.6 43.4,71.6 43.4,71.0 43.0,71.0"), ("CIRCLE", "43.2,71.3 25"), ("BOWTIE", "43.0,71.0 43.4,71.6 43.0,71.6 43.4,71.0 43.0,71.0")));

        Assert.Equal(3, payload.Received);
        Assert.Equal([0, 1], payload.Warnings.Select(w => w.InfoIndex));
        var ru = payload.Warnings[0];
        Assert.Equal(("test@kazhydromet.kz", "T.1", "Severe", "Сильный ветер"), (ru.Sender, ru.Identifier, ru.Severity, ru.Event));
        Assert.True(ru.Area!.Contains(Dispatch.Gis.Geo.GeoJson.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(71.3, 43.2))));
        Assert.InRange(payload.Warnings[1].Area!.Area, 0.15, 0.25); // a 25 km circle at 43° N: ≈ 0.19 square degrees
        Assert.Equal(2, payload.Rejections.Count);
        Assert.Contains("crosses itself", payload.Rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal("/feed/entry[2]/content/alert/info[1]/area[1]/polygon[1]", payload.Rejections[0].Pointer);
        Assert.Contains("does not conform to CAP 1.2", payload.Rejections[1].Reason, StringComparison.Ordinal);
        Assert.Equal("/feed/entry[3]/content/alert", payload.Rejections[1].Pointer);
        Assert.NotNull(payload.Rejections[1].Line);
    }

    [Fact]
    public void A_cap_cancel_without_info_names_what_it_replaces()
    {
        var payload = CapAdapter.Parse(Filled("cap-cancel.xml", ("ID4", "T.4"), ("ID1", "T.1"), ("SENT1", "2026-12-01T10:00:00+05:00")));

        var cancel = Assert.Single(payload.Warnings);
        Assert.Equal(("Cancel", "test@kazhydromet.kz", "T.1"), (cancel.MsgType, cancel.References[0].Sender, cancel.References[0].Identifier));
        Assert.Null(cancel.Area);
    }

    [Theory]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("not xml at all")]
    [InlineData("<alert xmlns=\"urn:other\"><x/></alert><!-- -->")]
    public void A_payload_that_is_not_cap_fails_the_run_or_quarantines_the_foreign_alert(string text)
    {
        try
        {
            var payload = CapAdapter.Parse(text);
            Assert.Contains("not a CAP 1.2 alert", Assert.Single(payload.Rejections).Reason, StringComparison.Ordinal);
        }
        catch (FeedPayloadException)
        {
        }
    }

    [Fact]
    public void An_empty_atom_feed_is_a_quiet_day_not_a_failure() =>
        Assert.Equal(0, CapAdapter.Parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>x</id></feed>").Received);

    [Fact]
    public void A_station_is_judged_by_its_own_levels_in_force_at_the_time_of_the_reading_else_by_the_national_ladder()
    {
        var rules = MonitoringRules.Load(MonitoringRules.DefaultPath);
        var water = rules.Parameter("WATER_LEVEL")!;
        var gamma = rules.Parameter("GAMMA_DOSE_RATE")!;
        var levels = new List<LevelThreshold>
        {
            new(SituationLevel.High, 500, "ОУ", "old bulletin", true, "api", new DateOnly(2020, 1, 1)),
            new(SituationLevel.High, 700, "ОУ", "new bulletin", true, "api", new DateOnly(2025, 4, 1)),
            new(SituationLevel.Elevated, 450, null, null, false, "api", new DateOnly(2020, 1, 1)),
        };

        Assert.Equal(SituationLevel.High, MonitoringRules.Judge(water, 600, levels, new DateOnly(2024, 6, 1))!.Level);
        Assert.Equal(SituationLevel.Elevated, MonitoringRules.Judge(water, 600, levels, new DateOnly(2025, 6, 1))!.Level);
        Assert.Null(MonitoringRules.Judge(water, 5000, null, new DateOnly(2025, 6, 1)));
        Assert.Null(MonitoringRules.Judge(gamma, 0.29, null, new DateOnly(2025, 6, 1)));
        Assert.Equal((SituationLevel.Elevated, 0.30), (MonitoringRules.Judge(gamma, 0.30, null, new DateOnly(2025, 6, 1))!.Level, 0.30));
        Assert.Equal(SituationLevel.High, MonitoringRules.Judge(gamma, 0.6, null, new DateOnly(2025, 6, 1))!.Level);
        Assert.Equal(1000, gamma.Factor("mSv/h"));
        Assert.Null(gamma.Factor("cm"));
    }

    [Fact]
    public void Every_threshold_row_cites_its_source_or_says_it_is_unverified_and_the_file_ladders_ascend()
    {
        var rules = MonitoringRules.Load(MonitoringRules.DefaultPath);

        Assert.All(rules.Parameters.Values.SelectMany(p => p.Ladder), t => Assert.True(!t.Verified || t.Citation is { Length: > 0 }, t.Label));
        Assert.All(rules.PostLevels, l => Assert.True(!l.Threshold.Verified || l.Threshold.Citation is { Length: > 0 }, l.Station));
        Assert.All(rules.Parameters.Values, p =>
        {
            var ordered = p.Ladder.OrderBy(t => t.Level).ToList();
            Assert.True(ordered.Zip(ordered.Skip(1)).All(x => x.First.Value < x.Second.Value), p.Code);
        });
        Assert.Equal(0.30, rules.Parameter("GAMMA_DOSE_RATE")!.Ladder.Single(t => t.Level == SituationLevel.Elevated).Value);
        Assert.Equal(950, rules.PostLevels.Single(l => l.Station == "KZH-ESIL-POKROVKA" && l.Threshold.Level == SituationLevel.High).Threshold.Value);
    }

    [Fact]
    public void Earthquake_levels_follow_magnitude_and_distance()
    {
        var rules = MonitoringRules.Load(MonitoringRules.DefaultPath);

        Assert.Equal(SituationLevel.High, rules.QuakeLevel(5.3, 30, out _));
        Assert.Equal(SituationLevel.Elevated, rules.QuakeLevel(4.5, 90, out _));
        Assert.Equal(SituationLevel.Normal, rules.QuakeLevel(4.5, 120, out _));
        Assert.Equal(SituationLevel.Critical, rules.QuakeLevel(7.0, 180, out _));
    }

    [Fact]
    public void A_change_is_announced_once_per_region_or_per_lone_district()
    {
        static TerritoryRef T(string kato, string? parent) => new(kato, parent is null, parent, kato);

        Assert.Equal(["190000000"], SituationJudge.AnnounceFor([T("190000000", null), T("194000000", "190000000"), T("196200000", "190000000")]));
        Assert.Equal(["194000000"], SituationJudge.AnnounceFor([T("190000000", null), T("194000000", "190000000")]));
        Assert.Equal(["194000000", "196200000"], SituationJudge.AnnounceFor([T("194000000", "190000000"), T("196200000", "190000000")]));
        Assert.Equal(["750000000"], SituationJudge.AnnounceFor([T("750000000", null)]));
        Assert.Equal("194000000", SituationJudge.SuggestionTarget("190000000", true, ["194000000"]));
        Assert.Equal("190000000", SituationJudge.SuggestionTarget("190000000", true, ["194000000", "196200000"]));
        Assert.Null(SituationJudge.SuggestionTarget("190000000", false, []));
    }

    [Fact]
    public void The_simulator_fills_time_placeholders_in_every_format_a_feed_writes()
    {
        var now = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

        var text = FeedSimulatorServer.Fill("{{now-60}} {{nowMs}} {{nowCap+3600}} {{nowLocal}} {{nowRu-600}} {{seq}}", now, 7);

        Assert.Equal("2026-03-01T09:59:00.000Z 1772359200000 2026-03-01T16:00:00+05:00 2026-03-01T15:00:00 01.03.2026 14:50 7", text);
    }
}
