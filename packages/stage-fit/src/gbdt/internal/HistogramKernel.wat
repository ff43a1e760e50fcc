;; The GBDT trainer's histogram kernel (see HistogramKernel.ts for the memory layout and README.md for why).
;; Compiled by scripts/build-wasm.mjs into HistogramKernelWasm.ts; a test checks that the committed bytes are
;; this file's. Every pointer is a byte address in the imported shared memory; a histogram holds per feature 256
;; (Σ gradient, count) pairs of f64, so 4096 bytes per feature and 16 per bin.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Loads the first and last byte of the bins of rows rows[from..to) and a byte of their gradients, and returns
  ;; their sum (so that no compiler drops the loads). A software prefetch (wasm has no prefetch instruction): at
  ;; 1M rows the bins and gradients do not fit in cache and a leaf's rows are scattered, so in the build's loop
  ;; each row waited for its own lines — its 40 bin updates fill the reorder buffer, so no later row's load
  ;; starts meanwhile, and a load of the row 16 ahead (the prefetch before this one) stalled the same way. This
  ;; loop is a few instructions per row, so a whole chunk's misses are in flight at once.
  (func $touch
    (param $bins i32) (param $stride i32) (param $grad i32) (param $rows i32) (param $from i32) (param $to i32)
    (result i32)
    (local $r i32) (local $at i32) (local $sum i32)
    (block $done
      (loop $loop
        (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $from) (i32.const 2)))))
        (local.set $at (i32.add (local.get $bins) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $sum
          (i32.add (local.get $sum)
            (i32.add
              (i32.add
                (i32.load8_u (local.get $at))
                (i32.load8_u (i32.sub (i32.add (local.get $at) (local.get $stride)) (i32.const 1))))
              (i32.load8_u (i32.add (local.get $grad) (i32.shl (local.get $r) (i32.const 3)))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $loop)))
    (local.get $sum))

  ;; Clears the histogram of features [fStart, fEnd) at $hist, then adds rows[start..end) to it: for each row r,
  ;; gradient g = grad[r], each feature's bin b = bins[r*stride + f], pair (b) += (g, 1) — or only Σ gradient
  ;; when $withCounts is 0. Rows are taken in order, so each slot's sum is the same double as any loop over the
  ;; same rows in the same order. Bins are read four at a time as one little-endian word (byte j = feature
  ;; fStart+4i+j), the features past the last whole word one byte each. Rows go in chunks of 64: each chunk's
  ;; bins and gradients are touched first ($touch), then its rows are added. Returns the sum of the touched bytes
  ;; (so that no compiler drops those loads; callers ignore it).
  (func (export "build")
    (param $bins i32) (param $stride i32) (param $grad i32) (param $rows i32)
    (param $start i32) (param $end i32) (param $hist i32) (param $fStart i32) (param $fEnd i32)
    (param $withCounts i32) (result i32)
    (local $chunkEnd i32) (local $touched i32)
    (local $i i32) (local $r i32) (local $g f64) (local $gv v128) (local $p i32) (local $pEnd i32)
    (local $o i32) (local $k i32) (local $w i32) (local $tailEnd i32) (local $nWordBytes i32)
    (memory.fill
      (i32.add (local.get $hist) (i32.shl (local.get $fStart) (i32.const 12)))
      (i32.const 0)
      (i32.shl (i32.sub (local.get $fEnd) (local.get $fStart)) (i32.const 12)))
    (local.set $nWordBytes
      (i32.and (i32.sub (local.get $fEnd) (local.get $fStart)) (i32.const -4)))
    (local.set $i (local.get $start))
    (local.set $chunkEnd (local.get $start))
    (if (local.get $withCounts)
      (then
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $end)))
            (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
            ;; At the start of each chunk of 64 rows, touch its rows' lines first (see $touch).
            (if (i32.eq (local.get $i) (local.get $chunkEnd))
              (then
                (local.set $chunkEnd (i32.add (local.get $i) (i32.const 64)))
                (if (i32.gt_s (local.get $chunkEnd) (local.get $end)) (then (local.set $chunkEnd (local.get $end))))
                (local.set $touched
                  (i32.add (local.get $touched)
                    (call $touch (local.get $bins) (local.get $stride) (local.get $grad) (local.get $rows)
                      (local.get $i) (local.get $chunkEnd))))))
            ;; (g, 1): one 16-byte add per bin updates the pair.
            (local.set $gv
              (f64x2.replace_lane 0
                (v128.const f64x2 0 1)
                (f64.load (i32.add (local.get $grad) (i32.shl (local.get $r) (i32.const 3))))))
            (local.set $p
              (i32.add (i32.add (local.get $bins) (i32.mul (local.get $r) (local.get $stride))) (local.get $fStart)))
            (local.set $pEnd (i32.add (local.get $p) (local.get $nWordBytes)))
            (local.set $o (i32.add (local.get $hist) (i32.shl (local.get $fStart) (i32.const 12))))
            (block $wordsDone
              (loop $wordLoop
                (br_if $wordsDone (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $w (i32.load align=1 (local.get $p)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shl (local.get $w) (i32.const 4)) (i32.const 4080))))
                (v128.store (local.get $k) (f64x2.add (v128.load (local.get $k)) (local.get $gv)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 4)) (i32.const 4080))))
                (v128.store offset=4096 (local.get $k) (f64x2.add (v128.load offset=4096 (local.get $k)) (local.get $gv)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 12)) (i32.const 4080))))
                (v128.store offset=8192 (local.get $k) (f64x2.add (v128.load offset=8192 (local.get $k)) (local.get $gv)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 20)) (i32.const 4080))))
                (v128.store offset=12288 (local.get $k) (f64x2.add (v128.load offset=12288 (local.get $k)) (local.get $gv)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $o (i32.add (local.get $o) (i32.const 16384)))
                (br $wordLoop)))
            (local.set $tailEnd
              (i32.add (i32.add (local.get $bins) (i32.mul (local.get $r) (local.get $stride))) (local.get $fEnd)))
            (block $tailDone
              (loop $tailLoop
                (br_if $tailDone (i32.ge_u (local.get $p) (local.get $tailEnd)))
                (local.set $k (i32.add (local.get $o) (i32.shl (i32.load8_u (local.get $p)) (i32.const 4))))
                (v128.store (local.get $k) (f64x2.add (v128.load (local.get $k)) (local.get $gv)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $o (i32.add (local.get $o) (i32.const 4096)))
                (br $tailLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rowLoop))))
      (else
        ;; Gradient sums only (the caller knows the counts).
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $end)))
            (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
            ;; At the start of each chunk of 64 rows, touch its rows' lines first (see $touch).
            (if (i32.eq (local.get $i) (local.get $chunkEnd))
              (then
                (local.set $chunkEnd (i32.add (local.get $i) (i32.const 64)))
                (if (i32.gt_s (local.get $chunkEnd) (local.get $end)) (then (local.set $chunkEnd (local.get $end))))
                (local.set $touched
                  (i32.add (local.get $touched)
                    (call $touch (local.get $bins) (local.get $stride) (local.get $grad) (local.get $rows)
                      (local.get $i) (local.get $chunkEnd))))))
            (local.set $g (f64.load (i32.add (local.get $grad) (i32.shl (local.get $r) (i32.const 3)))))
            (local.set $p
              (i32.add (i32.add (local.get $bins) (i32.mul (local.get $r) (local.get $stride))) (local.get $fStart)))
            (local.set $pEnd (i32.add (local.get $p) (local.get $nWordBytes)))
            (local.set $o (i32.add (local.get $hist) (i32.shl (local.get $fStart) (i32.const 12))))
            (block $wordsDone
              (loop $wordLoop
                (br_if $wordsDone (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $w (i32.load align=1 (local.get $p)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shl (local.get $w) (i32.const 4)) (i32.const 4080))))
                (f64.store (local.get $k) (f64.add (f64.load (local.get $k)) (local.get $g)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 4)) (i32.const 4080))))
                (f64.store offset=4096 (local.get $k) (f64.add (f64.load offset=4096 (local.get $k)) (local.get $g)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 12)) (i32.const 4080))))
                (f64.store offset=8192 (local.get $k) (f64.add (f64.load offset=8192 (local.get $k)) (local.get $g)))
                (local.set $k (i32.add (local.get $o) (i32.and (i32.shr_u (local.get $w) (i32.const 20)) (i32.const 4080))))
                (f64.store offset=12288 (local.get $k) (f64.add (f64.load offset=12288 (local.get $k)) (local.get $g)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $o (i32.add (local.get $o) (i32.const 16384)))
                (br $wordLoop)))
            (local.set $tailEnd
              (i32.add (i32.add (local.get $bins) (i32.mul (local.get $r) (local.get $stride))) (local.get $fEnd)))
            (block $tailDone
              (loop $tailLoop
                (br_if $tailDone (i32.ge_u (local.get $p) (local.get $tailEnd)))
                (local.set $k (i32.add (local.get $o) (i32.shl (i32.load8_u (local.get $p)) (i32.const 4))))
                (f64.store (local.get $k) (f64.add (f64.load (local.get $k)) (local.get $g)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $o (i32.add (local.get $o) (i32.const 4096)))
                (br $tailLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rowLoop)))))
    (local.get $touched))


  ;; dst[0..n) += src[0..n) (f64, n even: a histogram range of whole features), two doubles per step. Each lane
  ;; is one IEEE addition, as the scalar loop's.
  (func (export "add") (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $l))))

  ;; The carried root's gradient sums (see RootHistogram in TreeGrower.ts): for features [fStart, fEnd) with ≥ 2
  ;; value bins ($valueBins: i32 per feature), over their value bins and the missing bin,
  ;; target.g += a·hist.count + b·other.count ($other ≠ 0) or target.g += a·hist.count ($other = 0), with
  ;; TreeGrower's JavaScript operations in its order: (a·h + b·o) first, then the sum.
  (func (export "scaleCounts")
    (param $target i32) (param $hist i32) (param $a f64) (param $other i32) (param $b f64)
    (param $fStart i32) (param $fEnd i32) (param $valueBins i32)
    (local $f i32) (local $nb i32) (local $o i32) (local $k i32) (local $kEnd i32) (local $last i32)
    (local.set $f (local.get $fStart))
    (block $featuresDone
      (loop $featureLoop
        (br_if $featuresDone (i32.ge_s (local.get $f) (local.get $fEnd)))
        (local.set $nb (i32.load (i32.add (local.get $valueBins) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $o (i32.shl (local.get $f) (i32.const 12)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br_if $featureLoop (i32.lt_s (local.get $nb) (i32.const 2)))
        ;; Value bins 0 … nb−1, then the missing bin (offset 4080): $k walks byte offsets within the feature.
        (local.set $k (local.get $o))
        (local.set $kEnd (i32.add (local.get $o) (i32.shl (local.get $nb) (i32.const 4))))
        (local.set $last (i32.add (local.get $o) (i32.const 4080)))
        (block $binsDone
          (loop $binLoop
            (if (local.get $other)
              (then
                (f64.store (i32.add (local.get $target) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $target) (local.get $k)))
                    (f64.add
                      (f64.mul (local.get $a) (f64.load offset=8 (i32.add (local.get $hist) (local.get $k))))
                      (f64.mul (local.get $b) (f64.load offset=8 (i32.add (local.get $other) (local.get $k))))))))
              (else
                (f64.store (i32.add (local.get $target) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $target) (local.get $k)))
                    (f64.mul (local.get $a) (f64.load offset=8 (i32.add (local.get $hist) (local.get $k))))))))
            (br_if $binsDone (i32.eq (local.get $k) (local.get $last)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (if (i32.ge_u (local.get $k) (local.get $kEnd)) (then (local.set $k (local.get $last))))
            (br $binLoop)))
        (br $featureLoop))))
;; Stable partition of the row list rows[start..end) (i32 at $rows) by one feature's column of bins ($column,
  ;; one byte per row) and a 256-byte table ($goesLeft: 1 = the bin goes left): the left rows compacted forward in
  ;; order, the right rows through $scratch after them in order. Branch-free (both stores always happen, the
  ;; side advances by the table): the direction is unpredictable. Returns the first right row's index.
  (func (export "partition")
    (param $column i32) (param $goesLeft i32) (param $rows i32) (param $start i32) (param $end i32)
    (param $scratch i32) (result i32)
    (local $p i32) (local $pEnd i32) (local $l i32) (local $s i32) (local $row i32) (local $left i32)
    (local.set $p (i32.add (local.get $rows) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $pEnd (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    (local.set $l (local.get $p))
    (local.set $s (local.get $scratch))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $pEnd)))
        (local.set $row (i32.load (local.get $p)))
        (local.set $left
          (i32.shl
            (i32.load8_u (i32.add (local.get $goesLeft) (i32.load8_u (i32.add (local.get $column) (local.get $row)))))
            (i32.const 2)))
        (i32.store (local.get $l) (local.get $row))
        (i32.store (local.get $s) (local.get $row))
        (local.set $l (i32.add (local.get $l) (local.get $left)))
        (local.set $s (i32.add (local.get $s) (i32.sub (i32.const 4) (local.get $left))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $loop)))
    (memory.copy (local.get $l) (local.get $scratch) (i32.sub (local.get $s) (local.get $scratch)))
    (i32.shr_u (i32.sub (local.get $l) (local.get $rows)) (i32.const 2)))
;; The best split of a leaf over candidate features features[fiStart..fiEnd) (i32 at $features; $valueBins: i32
  ;; per feature): SplitFinder.ts's scan, the same arithmetic in the same order. With $smaller ≠ 0, $hist holds the
  ;; parent's histogram and each scanned feature becomes this leaf's (parent − smaller) just before its scan.
  ;; Writes the best candidate whose gain beats $best to $out: f64 gain, f64 left Σ gradient, f64 left count,
  ;; i32 feature, i32 bin, i32 missing-left (feature −1 and gain −∞ when none does).
  (func (export "scan")
    (param $hist i32) (param $smaller i32) (param $features i32) (param $fiStart i32) (param $fiEnd i32)
    (param $valueBins i32) (param $sumG f64) (param $count f64) (param $lambda f64) (param $minCount f64)
    (param $parentScore f64) (param $best f64) (param $out i32)
    (local $fi i32) (local $f i32) (local $nb i32) (local $o i32) (local $s i32) (local $k i32) (local $kEnd i32)
    (local $b i32) (local $missG f64) (local $missC f64) (local $accG f64) (local $accC f64) (local $binC f64)
    (local $restC f64) (local $rG f64) (local $gain f64) (local $lC f64) (local $rC f64) (local $lG f64)
    (f64.store (local.get $out) (f64.const -inf))
    (i32.store offset=24 (local.get $out) (i32.const -1))
    (local.set $fi (local.get $fiStart))
    (block $featuresDone
      (loop $featureLoop
        (br_if $featuresDone (i32.ge_s (local.get $fi) (local.get $fiEnd)))
        (local.set $f (i32.load (i32.add (local.get $features) (i32.shl (local.get $fi) (i32.const 2)))))
        (local.set $fi (i32.add (local.get $fi) (i32.const 1)))
        (local.set $nb (i32.load (i32.add (local.get $valueBins) (i32.shl (local.get $f) (i32.const 2)))))
        (br_if $featureLoop (i32.lt_s (local.get $nb) (i32.const 2)))
        (local.set $o (i32.add (local.get $hist) (i32.shl (local.get $f) (i32.const 12))))
        (if (local.get $smaller)
          (then
            (local.set $s (i32.add (local.get $smaller) (i32.shl (local.get $f) (i32.const 12))))
            (local.set $k (local.get $o))
            (local.set $kEnd (i32.add (local.get $o) (i32.shl (local.get $nb) (i32.const 4))))
            (block $subDone
              (loop $subLoop
                (br_if $subDone (i32.ge_u (local.get $k) (local.get $kEnd)))
                (v128.store (local.get $k) (f64x2.sub (v128.load (local.get $k)) (v128.load (local.get $s))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (local.set $s (i32.add (local.get $s) (i32.const 16)))
                (br $subLoop)))
            (local.set $s (i32.add (local.get $smaller) (i32.shl (local.get $f) (i32.const 12))))
            (v128.store offset=4080 (local.get $o)
              (f64x2.sub (v128.load offset=4080 (local.get $o)) (v128.load offset=4080 (local.get $s))))))
        (local.set $missG (f64.load offset=4080 (local.get $o)))
        (local.set $missC (f64.load offset=4088 (local.get $o)))
        (local.set $accG (f64.const 0))
        (local.set $accC (f64.const 0))
        (local.set $b (i32.const 0))
        (local.set $k (local.get $o))
        (block $binsDone
          (loop $binLoop
            (br_if $binsDone (i32.ge_s (local.get $b) (local.get $nb)))
            (local.set $binC (f64.load offset=8 (local.get $k)))
            ;; An empty bin repeats the previous boundary's partition (whose lower threshold already won any tie).
            (if (f64.ne (local.get $binC) (f64.const 0))
              (then
                (local.set $accG (f64.add (local.get $accG) (f64.load (local.get $k))))
                (local.set $accC (f64.add (local.get $accC) (local.get $binC)))
                (local.set $restC (f64.sub (local.get $count) (local.get $accC)))
                (br_if $binsDone (f64.lt (local.get $restC) (local.get $minCount)))
                (if (f64.ge (local.get $accC) (local.get $minCount))
                  (then
                    (local.set $rG (f64.sub (local.get $sumG) (local.get $accG)))
                    (local.set $gain
                      (f64.sub
                        (f64.add
                          (f64.div (f64.mul (local.get $accG) (local.get $accG)) (f64.add (local.get $accC) (local.get $lambda)))
                          (f64.div (f64.mul (local.get $rG) (local.get $rG)) (f64.add (local.get $restC) (local.get $lambda))))
                        (local.get $parentScore)))
                    (if (f64.gt (local.get $gain) (local.get $best))
                      (then
                        (local.set $best (local.get $gain))
                        (f64.store (local.get $out) (local.get $gain))
                        (f64.store offset=8 (local.get $out) (local.get $accG))
                        (f64.store offset=16 (local.get $out) (local.get $accC))
                        (i32.store offset=24 (local.get $out) (local.get $f))
                        (i32.store offset=28 (local.get $out) (local.get $b))
                        (i32.store offset=32 (local.get $out) (i32.const 0))))))
                (if (i32.and
                      (f64.gt (local.get $missC) (f64.const 0))
                      (i32.lt_s (local.get $b) (i32.sub (local.get $nb) (i32.const 1))))
                  (then
                    (local.set $lC (f64.add (local.get $accC) (local.get $missC)))
                    (local.set $rC (f64.sub (local.get $count) (local.get $lC)))
                    (if (i32.and
                          (f64.ge (local.get $lC) (local.get $minCount))
                          (f64.ge (local.get $rC) (local.get $minCount)))
                      (then
                        (local.set $lG (f64.add (local.get $accG) (local.get $missG)))
                        (local.set $rG (f64.sub (local.get $sumG) (local.get $lG)))
                        (local.set $gain
                          (f64.sub
                            (f64.add
                              (f64.div (f64.mul (local.get $lG) (local.get $lG)) (f64.add (local.get $lC) (local.get $lambda)))
                              (f64.div (f64.mul (local.get $rG) (local.get $rG)) (f64.add (local.get $rC) (local.get $lambda))))
                            (local.get $parentScore)))
                        (if (f64.gt (local.get $gain) (local.get $best))
                          (then
                            (local.set $best (local.get $gain))
                            (f64.store (local.get $out) (local.get $gain))
                            (f64.store offset=8 (local.get $out) (local.get $lG))
                            (f64.store offset=16 (local.get $out) (local.get $lC))
                            (i32.store offset=24 (local.get $out) (local.get $f))
                            (i32.store offset=28 (local.get $out) (local.get $b))
                            (i32.store offset=32 (local.get $out) (i32.const 1))))))))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $binLoop)))
        (br $featureLoop))))
;; The per-round update after a tree grown on every training row. First each of the $nLeaves leaf records at
  ;; $leaves (i32 start, i32 end, f64 value; 16 bytes each) marks its rows: leafOf[rows[i]] = its index, for
  ;; i in [start, end) ($leafOf: u16 per row, 65535 = in no leaf). Then every row r = 0 … $nRows−1 in order that a
  ;; leaf marked: pred[r] += value, gradient[r] = pred[r] − y[r], the returned sum of squared gradients grows by
  ;; gradient², and its mark goes back to 65535. Rows in row order, not leaf by leaf: a leaf's rows are scattered,
  ;; so leaf by leaf each row cost three cache-line misses of 1M-row arrays; in row order the lines stream.
  (func (export "update")
    (param $pred i32) (param $y i32) (param $grad i32) (param $rows i32) (param $leaves i32) (param $nLeaves i32)
    (param $leafOf i32) (param $nRows i32) (result f64)
    (local $leaf i32) (local $p i32) (local $pEnd i32) (local $r i32) (local $o i32) (local $k i32)
    (local $at f64) (local $g f64) (local $squares f64)
    (block $leavesDone
      (loop $leafLoop
        (br_if $leavesDone (i32.ge_u (local.get $leaf) (local.get $nLeaves)))
        (local.set $p
          (i32.add (local.get $rows) (i32.shl (i32.load (i32.add (local.get $leaves) (i32.shl (local.get $leaf) (i32.const 4)))) (i32.const 2))))
        (local.set $pEnd
          (i32.add (local.get $rows) (i32.shl (i32.load offset=4 (i32.add (local.get $leaves) (i32.shl (local.get $leaf) (i32.const 4)))) (i32.const 2))))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $pEnd)))
            (i32.store16 (i32.add (local.get $leafOf) (i32.shl (i32.load (local.get $p)) (i32.const 1))) (local.get $leaf))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $rowLoop)))
        (local.set $leaf (i32.add (local.get $leaf) (i32.const 1)))
        (br $leafLoop)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $r) (local.get $nRows)))
        (local.set $k (i32.load16_u (i32.add (local.get $leafOf) (i32.shl (local.get $r) (i32.const 1)))))
        (if (i32.ne (local.get $k) (i32.const 65535))
          (then
            (i32.store16 (i32.add (local.get $leafOf) (i32.shl (local.get $r) (i32.const 1))) (i32.const 65535))
            (local.set $o (i32.shl (local.get $r) (i32.const 3)))
            (local.set $at
              (f64.add
                (f64.load (i32.add (local.get $pred) (local.get $o)))
                (f64.load offset=8 (i32.add (local.get $leaves) (i32.shl (local.get $k) (i32.const 4))))))
            (f64.store (i32.add (local.get $pred) (local.get $o)) (local.get $at))
            (local.set $g (f64.sub (local.get $at) (f64.load (i32.add (local.get $y) (local.get $o)))))
            (f64.store (i32.add (local.get $grad) (local.get $o)) (local.get $g))
            (local.set $squares (f64.add (local.get $squares) (f64.mul (local.get $g) (local.get $g))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $loop)))
    (local.get $squares))
)
