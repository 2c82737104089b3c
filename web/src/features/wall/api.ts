// The wall tours on the server: listed for any reader, edited by administrators.
import { request } from '../../lib/api/client.ts'
import type { Tour, TourInput, TourList } from './types.ts'

export const fetchTours = (signal?: AbortSignal) => request<TourList>('GET', '/api/wall-tours', { signal })
export const createTour = (tour: TourInput) => request<Tour>('POST', '/api/wall-tours', { body: tour })
export const updateTour = (id: number, tour: TourInput) => request<Tour>('PUT', `/api/wall-tours/${id}`, { body: tour })
export const deleteTour = (id: number) => request<void>('DELETE', `/api/wall-tours/${id}`)
