using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AsyncProf.Reports;
using AsyncProf.Reports.Exporters;
using AsyncProf.Tests.Reports.Exporters;
using AsyncProf.Tests.Zoo;
using NUnit.Framework;

namespace AsyncProf.Tests.Reports
{
    /// <summary>
    /// Two hand-written writers produce asyncprof/1: the runtime's (src/Runtime/ProfileWriter.cs) and Reports'
    /// (src/Reports/ProfileJsonWriter.cs, the <c>json</c> format, the HTML report's data). A profile the runtime wrote,
    /// read by ProfileReader and written again, must keep every field of every kind of object (a field added to one
    /// writer only fails here). A field written as null carries nothing and counts as absent, as the reader reads it.
    /// </summary>
    [TestFixture]
    public class WriterFieldsTests
    {
        /// <summary>Per kind of object (its JSON path, array positions as []), the names of its fields that hold a value.</summary>
        static SortedDictionary<string, SortedSet<string>> FieldsByKind(byte[] json)
        {
            var kinds = new SortedDictionary<string, SortedSet<string>>(System.StringComparer.Ordinal);
            void Walk(JsonElement e, string path)
            {
                if (e.ValueKind == JsonValueKind.Array)
                    foreach (var item in e.EnumerateArray()) Walk(item, path + "[]");
                if (e.ValueKind != JsonValueKind.Object) return;
                if (!kinds.TryGetValue(path, out var names)) kinds[path] = names = new SortedSet<string>(System.StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    names.Add(p.Name);
                    Walk(p.Value, path + "." + p.Name);
                }
            }
            using var doc = JsonDocument.Parse(json);
            Walk(doc.RootElement, "$");
            return kinds;
        }

        static void AssertRewriteKeepsEveryField(string runtimeFile)
        {
            var written = File.ReadAllBytes(runtimeFile);
            var rewritten = FormatFixtures.Export(new NativeJsonExporter(), ProfileReader.Load(runtimeFile));
            var before = FieldsByKind(written);
            var after = FieldsByKind(rewritten);
            Assert.That(before.Keys, Does.Contain("$.functions[]").And.Contain("$.tree[]").And.Contain("$.process"), "a profile with calls");
            Assert.Multiple(() =>
            {
                Assert.That(after.Keys, Is.EquivalentTo(before.Keys), "the same kinds of object");
                foreach (var (kind, names) in before)
                    Assert.That(after.TryGetValue(kind, out var kept) ? kept : new SortedSet<string>(), Is.EquivalentTo(names),
                        $"{kind}: Reports' writer writes the fields the runtime's wrote");
            });
        }

        [Test]
        public void A_runtime_profile_with_a_timeline_keeps_every_field() => AssertRewriteKeepsEveryField(FormatFixtures.RecordedWithTimeline);

        /// <summary>The woven zoo's profile: blocking sites too, written by a real process.</summary>
        [Test, NonParallelizable, Category(Infrastructure.Categories.Integration)]
        public void A_woven_fixture_s_profile_keeps_every_field()
        {
            var (_, file) = ZooApp.Run("Release");
            AssertRewriteKeepsEveryField(file.Path);
        }
    }
}
