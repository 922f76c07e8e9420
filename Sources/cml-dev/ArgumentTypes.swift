import ArgumentParser
import FHECompiler
import FHECore

// The option enums of cml-dev, parsed by name, their choices listed in --help and shell completion.
extension RoundingMethod: ExpressibleByArgument {}
extension FHEMode: ExpressibleByArgument {}
extension OverflowPolicy: ExpressibleByArgument {}
