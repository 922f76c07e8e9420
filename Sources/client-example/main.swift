// How a Swift app embeds FHEClient (no NIO, no command-line tool): load the client part of a bundle,
// generate keys, encrypt floats to bytes, let a cml-server evaluate them, decrypt bytes to floats.
// Built with the package (and run by Tests/FHEServerTests/CommandLineTests.swift), so it cannot rot.
//
//   client-example BUNDLE/client http://127.0.0.1:8080 X.npy
//
// It prints one line per output value: "NAME[i] = value".
import FHEClient
import FHECore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4, let server = URL(string: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: client-example BUNDLE/client SERVER_URL X.npy\n".utf8))
    exit(2)
}

do {
    // 1. The client bundle: quantizers, encodings, key layout; no weights.
    let bundle = try ClientBundle.load(from: URL(fileURLWithPath: arguments[1]))

    // 2. Keys. The secret key stays in `holder`; the evaluation keys are bytes for the server.
    //    (To keep the secret key across launches, use KeyDirectory.generate/load, which seal it.)
    let holder = try KeyHolder.generate(for: bundle)
    let evaluationKeys: Data = holder.evaluationKeys().framed()

    // 3. Floats -> bytes: quantize and encrypt a batch ([batch] + the input's shape).
    let x = try NumPyFormat.readArrays(path: arguments[3]).map(\.tensor)
    let query: Data = try holder.encrypt(x)

    // 4. Any transport works; here FHEClient's own connection (uploads the keys on first use), with the
    //    operator's API token ($CML_TOKEN here; nil for a server run with --no-auth).
    let connection = ServerConnection(baseURL: server, token: ProcessInfo.processInfo.environment["CML_TOKEN"])
    let answer: Data = try await connection.evaluate(framedKeys: evaluationKeys,
                                                     inputs: try Cml_V1_CiphertextBatch.decodeFramed(query))

    // 5. Bytes -> floats: decrypt and de-quantize.
    let outputs: [Tensor] = try holder.decrypt(answer)
    for (spec, y) in zip(bundle.spec.outputs, outputs) {
        for (index, value) in y.values.enumerated() { print("\(spec.name)[\(index)] = \(value)") }
    }
} catch {
    FileHandle.standardError.write(Data("client-example: \(error)\n".utf8))
    exit(1)
}
