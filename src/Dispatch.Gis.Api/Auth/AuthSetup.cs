using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Dispatch.Gis.Auth;

internal static class AuthSetup
{
    public static IServiceCollection AddDispatchAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        // Checked when the server starts, not here: commands such as `import` build the services without serving.
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => Problem(o, environment) is null, Problem(options, environment) ?? "invalid")
            .ValidateOnStart();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // Claim names stay as issued ("sub", "role", "territories"); no mapping to WS-* URIs.
            jwt.MapInboundClaims = false;
            if (!string.IsNullOrWhiteSpace(options.Authority))
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.TokenValidationParameters.NameClaimType = "name";
                jwt.TokenValidationParameters.RoleClaimType = Caller.RoleClaim;
                return;
            }

            if (!string.IsNullOrWhiteSpace(options.SigningKey))
            {
                jwt.TokenValidationParameters = LocalValidation(options);
            }
        });
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<CallerQuotas>();
        return services;
    }

    internal static TokenValidationParameters LocalValidation(AuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey!)),
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
        RoleClaimType = Caller.RoleClaim,
    };

    private static string? Problem(AuthOptions options, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(options.Authority) && string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return $"{AuthOptions.Section}: set Authority (OpenID Connect) or SigningKey (local tokens); the service does not run without authentication.";
        }

        if (options.SigningKey is { } key && Encoding.UTF8.GetByteCount(key) < 32)
        {
            return $"{AuthOptions.Section}:SigningKey must be at least 32 bytes.";
        }

        if (options.SigningKey == AuthOptions.DevelopmentSigningKey && !environment.IsDevelopment())
        {
            return $"{AuthOptions.Section}:SigningKey is the published development key; configure a secret key or an Authority outside Development.";
        }

        return null;
    }
}
