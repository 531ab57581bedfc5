using System;
using AsyncProf.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder
{
    /// <summary><c>app.UseAsyncProf()</c>: in this namespace so a minimal Program.cs needs no using.</summary>
    public static class AsyncProfApplicationBuilderExtensions
    {
        /// <summary>
        /// Profiles, alone, each request that carries a valid signed trigger (<c>asyncprof curl</c> sends one) and
        /// serves its profile to a request signed with the same key (docs/aspnetcore.md). Put it first, so the whole
        /// pipeline is inside the profile. Needs <c>builder.Services.AddAsyncProf()</c>. Only woven code is recorded.
        /// </summary>
        public static IApplicationBuilder UseAsyncProf(this IApplicationBuilder app)
        {
            var service = app.ApplicationServices.GetService<AsyncProfService>()
                          ?? throw new InvalidOperationException("UseAsyncProf: AsyncProf is not registered; call builder.Services.AddAsyncProf() first");
            return app.UseMiddleware<AsyncProfMiddleware>(service);
        }

        /// <summary>
        /// As <see cref="UseAsyncProf(IApplicationBuilder)"/> without <c>AddAsyncProf</c>: the options are bound from
        /// the <c>AsyncProf</c> configuration section, then set by <paramref name="configure"/>.
        /// </summary>
        public static IApplicationBuilder UseAsyncProf(this IApplicationBuilder app, Action<AsyncProfOptions> configure)
        {
            var options = new AsyncProfOptions();
            app.ApplicationServices.GetService<IConfiguration>()?.GetSection(AsyncProfOptions.SectionName).Bind(options);
            configure(options);
            return app.UseMiddleware<AsyncProfMiddleware>(new AsyncProfService(options));
        }
    }
}
