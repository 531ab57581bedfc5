using System;
using System.IO;
using AsyncProf.Shared;

namespace AsyncProf.Reports.Exporters
{
    /// <summary>
    /// Converts a native profile to the format its output file name asks for (<see cref="ExporterRegistry.ForPath"/>).
    /// The runtime calls <see cref="ConvertFile"/> by reflection at process exit when <c>ASYNCPROF_OUTPUT</c> names a
    /// format other than the native <c>.json</c>. Failures throw with a one-line message: <see cref="ProfileFormatException"/>
    /// (unreadable profile), <see cref="ProfileExportException"/> (unknown extension, or a format the profile cannot
    /// give, such as a Chrome trace without a timeline), or an I/O exception.
    /// </summary>
    public static class ProfileConverter
    {
        public static void ConvertFile(string nativeProfilePath, string outputPath)
        {
            if (nativeProfilePath == null) throw new ArgumentNullException(nameof(nativeProfilePath));
            if (outputPath == null) throw new ArgumentNullException(nameof(outputPath));
            var exporter = ExporterRegistry.ForPath(outputPath)
                ?? throw new ProfileExportException($"{outputPath}: unknown output format; use one of the extensions {ExporterRegistry.KnownExtensions}");
            if (exporter is NativeJsonExporter)
            {
                // the native format: the file as written, byte for byte (after checking it is one)
                ProfileReader.Load(nativeProfilePath);
                if (!SamePath(nativeProfilePath, outputPath)) File.Copy(nativeProfilePath, outputPath, overwrite: true);
                return;
            }
            Export(ProfileReader.Load(nativeProfilePath), exporter, outputPath);
        }

        /// <summary>Writes <paramref name="profile"/> in the format <paramref name="outputPath"/>'s extension names.</summary>
        public static void Convert(Profile profile, string outputPath)
        {
            var exporter = ExporterRegistry.ForPath(outputPath)
                ?? throw new ProfileExportException($"{outputPath}: unknown output format; use one of the extensions {ExporterRegistry.KnownExtensions}");
            Export(profile, exporter, outputPath);
        }

        /// <summary>
        /// Writes <paramref name="profile"/> with <paramref name="exporter"/> to a file, whole or not at all (a
        /// temporary file renamed over it); a device or named pipe is written into instead (<see cref="SpecialOutputFile"/>).
        /// </summary>
        public static void Export(Profile profile, IProfileExporter exporter, string outputPath)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            if (exporter == null) throw new ArgumentNullException(nameof(exporter));
            var full = Path.GetFullPath(outputPath);
            var special = SpecialOutputFile.TryOpen(full);
            if (special != null)
            {
                using (special) exporter.Export(profile, special);
                return;
            }
            PendingFile.Write(full, stream => exporter.Export(profile, stream));
        }

        static bool SamePath(string a, string b) =>
            string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
