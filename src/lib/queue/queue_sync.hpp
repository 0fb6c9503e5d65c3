// Whether a queue operation fsyncs before it returns (now), or leaves the
// fsync to its caller (later). Only qmgr says later, for its own moves,
// removals and recipient marks: it batches those fsyncs off its main loop
// (src/qmgr/qmgr_flusher.hpp), and a crash that undoes one can at worst
// repeat a delivery, never lose mail (doc/DESIGN.md, "qmgr and the disk").
#pragma once

namespace postern::queue {

enum class Sync { now, later };

}  // namespace postern::queue
