using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace AsyncProf.Fody
{
    /// <summary>A configuration problem, reported as one build error.</summary>
    public sealed class FodySettingsException : Exception
    {
        public FodySettingsException(string message) : base(message) { }
    }

    /// <summary>
    /// What to weave, from the &lt;AsyncProf .../&gt; element of FodyWeavers.xml and from the settings file
    /// build/AsyncProf.Fody.targets writes beside the compiled assembly (Profile and the filter properties).
    /// </summary>
    public sealed class FodySettings
    {
        static readonly string[] KnownAttributes = { "Always", "All", "Include", "Exclude" };
        static readonly string[] KnownElements = { "Include", "Exclude" };

        public bool Enabled { get; private set; }
        /// <summary>Why it weaves or not, in words, for the build log.</summary>
        public string Why { get; private set; } = "";
        /// <summary>Weave trivial methods too (All="true" or AsyncProfAll=true); see WeaverSettings.WeaveAll.</summary>
        public bool All { get; private set; }
        public List<string> Include { get; } = new List<string>();
        public List<string> Exclude { get; } = new List<string>();

        /// <summary>obj/.../App.AsyncProf.Fody.settings for obj/.../App.dll (relative paths are the project's).</summary>
        public static string FileBeside(string assemblyFilePath, string projectDirectory)
        {
            var assembly = Path.IsPathRooted(assemblyFilePath) || string.IsNullOrEmpty(projectDirectory)
                ? assemblyFilePath
                : Path.Combine(projectDirectory, assemblyFilePath);
            return Path.Combine(Path.GetDirectoryName(assembly) ?? ".", Path.GetFileNameWithoutExtension(assembly) + ".AsyncProf.Fody.settings");
        }

        public static FodySettings Read(XElement? config, string settingsFile)
        {
            var result = new FodySettings();
            var always = false;
            if (config != null)
            {
                foreach (var attribute in config.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.NamespaceName.Length == 0))
                {
                    var name = attribute.Name.LocalName;
                    if (!KnownAttributes.Contains(name, StringComparer.Ordinal))
                        throw new FodySettingsException($"FodyWeavers.xml: unknown attribute {name}=\"{attribute.Value}\" on <AsyncProf> (known: {string.Join(", ", KnownAttributes)})");
                }
                foreach (var element in config.Elements())
                {
                    var name = element.Name.LocalName;
                    if (!KnownElements.Contains(name, StringComparer.Ordinal))
                        throw new FodySettingsException($"FodyWeavers.xml: unknown element <{name}> in <AsyncProf> (known: {string.Join(", ", KnownElements)})");
                }

                var alwaysText = (string?)config.Attribute("Always");
                if (alwaysText != null && !bool.TryParse(alwaysText.Trim(), out always))
                    throw new FodySettingsException($"FodyWeavers.xml: Always=\"{alwaysText}\" on <AsyncProf> must be true or false");

                var allText = (string?)config.Attribute("All");
                if (allText != null)
                {
                    if (!bool.TryParse(allText.Trim(), out var all))
                        throw new FodySettingsException($"FodyWeavers.xml: All=\"{allText}\" on <AsyncProf> must be true or false");
                    result.All = all;
                }

                result.Include.AddRange(SplitAttribute((string?)config.Attribute("Include")));
                result.Exclude.AddRange(SplitAttribute((string?)config.Attribute("Exclude")));
                foreach (var element in config.Elements("Include")) result.Include.AddRange(SplitLines(element.Value));
                foreach (var element in config.Elements("Exclude")) result.Exclude.AddRange(SplitLines(element.Value));
            }

            var profile = false;
            var haveFile = File.Exists(settingsFile);
            if (haveFile)
            {
                foreach (var line in File.ReadAllLines(settingsFile))
                {
                    var equals = line.IndexOf('=');
                    if (equals <= 0) continue;
                    var key = line.Substring(0, equals).Trim();
                    var value = line.Substring(equals + 1).Trim();
                    switch (key)
                    {
                        case "Profile": profile = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase); break;
                        case "Include": result.Include.AddRange(SplitAttribute(value)); break;
                        case "Exclude": result.Exclude.AddRange(SplitAttribute(value)); break;
                        // The property adds to what FodyWeavers.xml says, as the filters do: either one turns it on.
                        case "All": result.All |= string.Equals(value, "true", StringComparison.OrdinalIgnoreCase); break;
                    }
                }
            }

            result.Enabled = always || profile;
            result.Why = always ? "Always=\"true\" in FodyWeavers.xml"
                : profile ? "Profile=true"
                : haveFile ? "Profile is not true; set it (dotnet build -p:Profile=true) or Always=\"true\" in FodyWeavers.xml"
                : "no Profile setting found (build/AsyncProf.Fody.targets was not imported); set Always=\"true\" in FodyWeavers.xml to weave anyway";
            return result;
        }

        static IEnumerable<string> SplitAttribute(string? value) =>
            (value ?? string.Empty).Split(new[] { '|', ';' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Trim()).Where(p => p.Length > 0);

        static IEnumerable<string> SplitLines(string value) =>
            value.Split(new[] { '\r', '\n', '|', ';' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Trim()).Where(p => p.Length > 0);
    }
}
