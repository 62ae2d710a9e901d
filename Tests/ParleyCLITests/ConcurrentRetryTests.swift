import Foundation
import ParleyTestSupport
import Testing

/// `Tools/concurrency-check` as a CI test: 4 writer processes x 50 events on 3 shared streams with
/// `--expected-version` and retry on conflict, while `log --follow`, `log` and `audit` read.
@Suite struct ConcurrentRetryTests {
    @Test func fourWritersRetryingOnConflictLoseAndDuplicateNothing() throws {
        let result = try ProcessRunner.run(
            "python3",
            [
                PackagePaths.file("Tools/concurrency-check"), "--parley", PackagePaths.parley, "--processes", "4",
                "--events", "50", "--quiet",
            ])
        #expect(result.status == 0, "concurrency-check failed:\n\(result.stdoutText)\n\(result.stderrText)")
        #expect(result.stdoutText.contains("failures: 0"), "\(result.stdoutText)")
        // Shared streams with stale expected versions: conflicts must actually have happened.
        let conflicts = result.stdoutText.split(separator: "\n").first { $0.hasPrefix("conflicts: ") }
            .flatMap { Int($0.dropFirst("conflicts: ".count).prefix { $0.isNumber }) }
        #expect((conflicts ?? 0) > 0, "\(result.stdoutText)")
    }

    /// The check is not vacuous: a `parley` that ignores `--expected-version` (never reports a
    /// conflict) must be caught.
    @Test func theCheckCatchesIgnoredExpectedVersions() throws {
        try TemporaryDirectory.with { dir in
            let fake = dir + "/parley"
            let script = """
                #!/bin/bash
                # Forwards to the real parley without --expected-version.
                args=(); skip=0
                for a in "$@"; do
                  if [ $skip = 1 ]; then skip=0; continue; fi
                  if [ "$a" = --expected-version ]; then skip=1; continue; fi
                  args+=("$a")
                done
                exec "\(PackagePaths.parley)" "${args[@]}"
                """
            try script.write(toFile: fake, atomically: true, encoding: .utf8)
            chmod(fake, 0o755)
            let result = try ProcessRunner.run(
                "python3",
                [
                    PackagePaths.file("Tools/concurrency-check"), "--parley", fake, "--processes", "4", "--events", "10",
                    "--batch-fraction", "0", "--quiet",
                ])
            #expect(result.status == 1, "\(result.stdoutText)\n\(result.stderrText)")
            #expect(result.stderrText.contains("expected version"), "\(result.stderrText)")
        }
    }
}
