using System.Text.Json;

namespace Dispatch.Gis.Ogc;

/// <summary>The API definition (OpenAPI 3.0) the Core conformance class asks for, generated from the collection declarations.</summary>
internal static class OgcOpenApi
{
    public static string Document(string origin)
    {
        var paths = new Dictionary<string, object>
        {
            ["/"] = Get("Landing page", "application/json"),
            ["/conformance"] = Get("Conformance classes", "application/json"),
            ["/collections"] = Get("Feature collections", "application/json"),
        };
        foreach (var c in OgcCollections.All)
        {
            paths[$"/collections/{c.Id}"] = Get($"{c.Title}: metadata", "application/json");
            var parameters = new List<object>
            {
                Query("bbox", "minLon,minLat,maxLon,maxLat (CRS84)", new { type = "array", items = new { type = "number" }, minItems = 4, maxItems = 6 }, "form", false),
                Query("limit", "features per page (default 100, at most 1000)", new { type = "integer", minimum = 1 }),
                Query("after", "key of the last feature of the previous page (from the next link)", new { type = "string" }),
            };
            if (c.Temporal is not null)
            {
                parameters.Add(Query("datetime", $"instant or interval (RFC 3339) on the {c.TemporalDescription}", new { type = "string" }));
            }

            paths[$"/collections/{c.Id}/items"] = Get($"{c.Title}: features", OgcEndpoints.GeoJsonType, parameters);
            paths[$"/collections/{c.Id}/items/{{featureId}}"] = Get($"{c.Title}: one feature", OgcEndpoints.GeoJsonType,
                [new { name = "featureId", @in = "path", required = true, schema = new { type = "string" } }]);
        }

        return JsonSerializer.Serialize(new
        {
            openapi = "3.0.3",
            info = new { title = "Dispatch.Gis OGC API – Features", version = "1.0.0" },
            servers = new[] { new { url = origin + "/ogc" } },
            components = new
            {
                securitySchemes = new { bearer = new { type = "http", scheme = "bearer", bearerFormat = "JWT" } },
            },
            security = new object[] { new { bearer = Array.Empty<string>() }, new { } },
            paths,
        });
    }

    private static object Get(string summary, string type, IEnumerable<object>? parameters = null) => new
    {
        get = new
        {
            summary,
            parameters = parameters ?? [],
            responses = new Dictionary<string, object>
            {
                ["200"] = new { description = "OK", content = new Dictionary<string, object> { [type] = new { } } },
                ["400"] = new { description = "invalid parameter" },
                ["404"] = new { description = "not found" },
            },
        },
    };

    private static object Query(string name, string description, object schema, string style = "form", bool explode = true) =>
        new { name, @in = "query", description, required = false, style, explode, schema };
}
