// Plays a tour: each step shown for its dwell time, then the next, round and round. A touch, click
// or key pauses it (someone is looking closely); it resumes by itself after `resumeMs` of quiet.
// `speed` divides every dwell (tests and rehearsals run a tour faster).
import type { Tour, TourStep } from './types.ts'

export class TourPlayer {
  tour = $state<Tour>()
  index = $state(0)
  paused = $state(false)
  /** steps shown so far (tests and the memory figure count them) */
  shown = $state(0)

  private timer: ReturnType<typeof setTimeout> | undefined
  private resumeTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly show: (step: TourStep) => void,
    private readonly options: { speed: number; resumeMs: number },
  ) {}

  get step(): TourStep | undefined {
    return this.tour?.steps[this.index]
  }

  play(tour: Tour | undefined): void {
    this.stop()
    this.tour = tour
    this.index = 0
    this.paused = false
    if (tour && tour.steps.length > 0) this.enter()
  }

  /** Someone touched the wall: hold this step, and go on after a quiet while. */
  pause(): void {
    if (!this.tour) return
    this.paused = true
    clearTimeout(this.timer)
    clearTimeout(this.resumeTimer)
    this.resumeTimer = setTimeout(() => this.resume(), this.options.resumeMs)
  }

  resume(): void {
    if (!this.tour || !this.paused) return
    this.paused = false
    this.schedule()
  }

  stop(): void {
    clearTimeout(this.timer)
    clearTimeout(this.resumeTimer)
  }

  private enter(): void {
    const step = this.step
    if (!step) return
    this.shown += 1
    this.show(step)
    this.schedule()
  }

  private schedule(): void {
    clearTimeout(this.timer)
    const step = this.step
    if (!step) return
    this.timer = setTimeout(
      () => {
        if (this.paused || !this.tour) return
        this.index = (this.index + 1) % this.tour.steps.length
        this.enter()
      },
      (step.dwellSeconds * 1000) / this.options.speed,
    )
  }
}
