//! A multi-lane circular delay line with fractional (linear-interpolated) reads: the memory
//! of the delay, chorus and reverb modules.

/// `lanes` circular buffers of `capacity` samples sharing one write position.
pub struct DelayLine {
    buffer: Vec<f32>,
    capacity: usize,
    write: usize,
}

impl DelayLine {
    /// Lines able to delay by up to `capacity - 2` samples.
    pub fn new(capacity: usize, lanes: usize) -> Self {
        let capacity = capacity.max(4);
        DelayLine {
            buffer: vec![0.0; capacity * lanes],
            capacity,
            write: 0,
        }
    }

    /// Takes over the lanes `old` also has and its write position (a reshaped node keeps
    /// its echoes); lines of another capacity keep nothing.
    pub fn keep(&mut self, old: &DelayLine) {
        if old.capacity != self.capacity {
            return;
        }
        super::reshape::keep_lanes(&mut self.buffer, &old.buffer);
        self.write = old.write;
    }

    /// The longest delay a read may ask for, in samples.
    pub fn max_delay(&self) -> f32 {
        (self.capacity - 2) as f32
    }

    /// Writes this sample of `lane` (call for every lane, then [`DelayLine::advance`]).
    #[inline]
    pub fn write(&mut self, lane: usize, x: f32) {
        self.buffer[lane * self.capacity + self.write] = x;
    }

    /// The sample written `delay` samples ago (1 = the previous one), interpolated.
    #[inline]
    pub fn read(&self, lane: usize, delay: f32) -> f32 {
        let delay = delay.clamp(0.0, self.max_delay());
        let whole = delay as usize;
        let fraction = delay - whole as f32;
        let base = lane * self.capacity;
        let at = |d: usize| self.buffer[base + (self.write + self.capacity - d) % self.capacity];
        let a = at(whole);
        let b = at(whole + 1);
        a + (b - a) * fraction
    }

    /// The sample written exactly `delay` samples ago.
    #[inline]
    pub fn tap(&self, lane: usize, delay: usize) -> f32 {
        let d = delay.min(self.capacity - 1);
        self.buffer[lane * self.capacity + (self.write + self.capacity - d) % self.capacity]
    }

    /// Moves to the next sample.
    #[inline]
    pub fn advance(&mut self) {
        self.write += 1;
        if self.write == self.capacity {
            self.write = 0;
        }
    }
}
