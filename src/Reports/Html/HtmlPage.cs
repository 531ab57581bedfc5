using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace AsyncProf.Reports.Html
{
    /// <summary>
    /// One self-contained HTML page, as both reports build it (the profile report, <see cref="HtmlExporter"/>, and the
    /// diff, <see cref="DiffHtmlExporter"/>): the shared shell page.html (an offline Content-Security-Policy that
    /// forbids every fetch, the inline style and script, the data in a <c>&lt;script type="application/json"&gt;</c>)
    /// around a page's own embedded parts: <c>NAME-body.html</c> (its markup, with <c>{{NAME}}</c> placeholders),
    /// <c>NAME.css</c> and <c>NAME.js</c> (after units.js, the formatting both pages share).
    /// </summary>
    internal sealed class HtmlPage
    {
        const string ResourcePrefix = "AsyncProf.Reports.Html.";
        static readonly Regex Placeholder = new(@"\{\{([A-Z]+)\}\}", RegexOptions.CultureInvariant);
        static readonly Lazy<string> Shell = new(() => Resource("page.html"));

        readonly string _name, _generator, _dataElementId, _body, _css, _js;

        HtmlPage(string name, string generator, string dataElementId, string body, string css, string js)
        {
            _name = name;
            _generator = generator;
            _dataElementId = dataElementId;
            _body = body;
            _css = css;
            _js = js;
        }

        /// <summary>
        /// A page's parts, checked so that neither its CSS nor its script can end its element early.
        /// <paramref name="generator"/> is the page's <c>generator</c> meta, <paramref name="dataElementId"/> the id
        /// its script reads the data from.
        /// </summary>
        public static HtmlPage Load(string name, string generator, string dataElementId)
        {
            var css = Resource(name + ".css");
            var js = Resource("units.js") + "\n" + Resource(name + ".js"); // the formatting both pages share first
            // The CSS and script are placed inside <style> and <script> as they are: they must not end those elements.
            if (css.Contains("</style", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(name + ".css must not contain \"</style\"");
            if (js.Contains("<script", StringComparison.OrdinalIgnoreCase) || js.Contains("</script", StringComparison.OrdinalIgnoreCase) ||
                js.Contains("<!--", StringComparison.Ordinal))
                throw new InvalidOperationException(name + ".js must not contain \"<script\", \"</script\" or \"<!--\"");
            return new HtmlPage(name, generator, dataElementId, Resource(name + "-body.html"), css, js);
        }

        /// <summary>
        /// The whole page. <paramref name="title"/> is plain text (it is encoded here); <paramref name="bodyValues"/>
        /// fill the body's placeholders as they are (already HTML); <paramref name="dataJson"/> must hold no
        /// <c>&lt;</c> (so neither <c>&lt;/script</c> nor <c>&lt;!--</c> can occur).
        /// </summary>
        public string Render(string title, IReadOnlyDictionary<string, string> bodyValues, string dataJson)
        {
            if (dataJson.Contains('<')) throw new InvalidOperationException($"{_name}: the page data must not contain '<'");
            var body = Fill(_body, bodyValues, _name + "-body.html");
            return Fill(Shell.Value, new Dictionary<string, string>
            {
                ["GENERATOR"] = _generator,
                ["TITLE"] = WebUtility.HtmlEncode(title),
                ["CSS"] = _css,
                ["BODY"] = body,
                ["DATAID"] = _dataElementId,
                ["DATA"] = dataJson,
                ["JS"] = _js,
            }, "page.html");
        }

        /// <summary>Puts the values in a template's <c>{{NAME}}</c> placeholders.</summary>
        static string Fill(string html, IReadOnlyDictionary<string, string> values, string templateName) =>
            // One pass, so nothing substituted is ever scanned for placeholders again.
            Placeholder.Replace(html, m => values.TryGetValue(m.Groups[1].Value, out var v)
                ? v
                : throw new InvalidOperationException($"{templateName}: unknown placeholder {m.Value}"));

        static string Resource(string name)
        {
            var assembly = typeof(HtmlPage).Assembly;
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"embedded resource {ResourcePrefix + name} is missing from {assembly.GetName().Name}");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
    }
}
